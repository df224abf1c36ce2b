// Reads RDF documents the way a harvester does (n3 for Turtle, jsonld for
// JSON-LD, rdfxml-streaming-parser for RDF/XML), validates each against
// SHACL shapes with shacl-engine, and canonicalizes each (URDNA2015, with
// jsonld's rdf-canonize) so that a test can check that every syntax says
// the same thing.
//
// usage: node shacl.mjs SHAPES.ttl[,MORE.ttl] URL ...
// prints one JSON object: {results: [{url, contentType, triples, conforms,
// violations: [{severity, focus, path, message, component, value}], canonical}]}
import fs from 'node:fs'
import { Readable } from 'node:stream'
import N3 from 'n3'
import jsonld from 'jsonld'
import { RdfXmlParser } from 'rdfxml-streaming-parser'
import rdfDataModel from '@rdfjs/data-model'
import rdfDataset from '@rdfjs/dataset'
import { Validator } from 'shacl-engine'

const [shapeFiles, ...urls] = process.argv.slice(2)

function parseTurtle (text, baseIRI) {
  return new N3.Parser({ baseIRI }).parse(text)
}

function parseRDFXML (text, baseIRI) {
  return new Promise((resolve, reject) => {
    const quads = []
    const parser = new RdfXmlParser({ baseIRI, dataFactory: rdfDataModel })
    parser.on('data', q => quads.push(q))
    parser.on('error', reject)
    parser.on('end', () => resolve(quads))
    Readable.from([text]).pipe(parser)
  })
}

async function parseJSONLD (text, baseIRI) {
  const nquads = await jsonld.toRDF(JSON.parse(text), { base: baseIRI, format: 'application/n-quads' })
  return new N3.Parser({ format: 'N-Quads' }).parse(nquads)
}

async function parse (text, contentType, url) {
  const type = contentType.split(';')[0].trim()
  switch (type) {
    case 'text/turtle': return parseTurtle(text, url)
    case 'application/rdf+xml': return parseRDFXML(text, url)
    case 'application/ld+json': return parseJSONLD(text, url)
  }
  throw new Error(`${url}: not RDF: ${contentType}`)
}

function toDataset (quads) {
  const ds = rdfDataset.dataset()
  for (const q of quads) ds.add(rdfDataModel.quad(q.subject, q.predicate, q.object, rdfDataModel.defaultGraph()))
  return ds
}

const shapes = rdfDataset.dataset()
for (const f of shapeFiles.split(',')) {
  for (const q of parseTurtle(fs.readFileSync(f, 'utf8'), 'file://' + f)) shapes.add(q)
}
const validator = new Validator(shapes, { factory: rdfDataModel })

const results = []
for (const url of urls) {
  const [address, accept] = url.split(' ACCEPT ')
  const res = await fetch(address, accept ? { headers: { Accept: accept } } : {})
  const text = await res.text()
  if (res.status !== 200) {
    results.push({ url, status: res.status, body: text.slice(0, 500) })
    continue
  }
  const contentType = res.headers.get('content-type') || ''
  const quads = await parse(text, contentType, address)
  const dataset = toDataset(quads)
  const report = await validator.validate({ dataset })
  const violations = report.results.map(r => ({
    severity: r.severity?.value,
    focus: r.focusNode?.term?.value ?? r.focusNode?.value,
    path: r.path?.map?.(p => p.predicates?.map(x => x.value).join('|')).join('/') ?? String(r.path),
    message: (r.message || []).map(m => m.value).join('; '),
    component: r.constraintComponent?.value,
    value: r.value?.term?.value ?? r.value?.value
  }))
  const writer = new N3.Writer({ format: 'N-Quads' })
  const nquads = writer.quadsToString([...dataset])
  const canonical = await jsonld.canonize(nquads, { algorithm: 'URDNA2015', inputFormat: 'application/n-quads' })
  results.push({ url, status: res.status, contentType, triples: dataset.size, conforms: report.conforms, violations, canonical })
}
process.stdout.write(JSON.stringify({ results }))
