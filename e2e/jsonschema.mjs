// Validates the JSON at a URL against a JSON Schema (draft-07) with ajv,
// formats checked. usage: node jsonschema.mjs SCHEMA.json URL
// prints {status, valid, errors: [{instancePath, message}], count}
import fs from 'node:fs'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'

const [schemaFile, url] = process.argv.slice(2)
const ajv = new Ajv({ allErrors: true, strict: false })
addFormats(ajv)
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')))
const res = await fetch(url)
const doc = await res.json()
const valid = validate(doc)
process.stdout.write(JSON.stringify({
  status: res.status,
  valid,
  errors: (validate.errors || []).map(e => ({ instancePath: e.instancePath, message: e.message })),
  document: doc
}))
