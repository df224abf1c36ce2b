// Reads the JSON-LD blocks a page embeds as a search engine does and
// expands them with the jsonld processor. The machine is offline, so the
// schema.org context is given as what it does to these terms (schema.org
// as the vocabulary) instead of being fetched.
// usage: node jsonld.mjs URL   prints {status, blocks: [expanded JSON-LD]}
import jsonld from 'jsonld'

const schemaOrg = { '@context': { '@vocab': 'https://schema.org/' } }
const documentLoader = async (url) => {
  if (url === 'https://schema.org/' || url === 'https://schema.org') {
    return { contextUrl: null, documentUrl: url, document: schemaOrg }
  }
  throw new Error(`no network: ${url}`)
}

const res = await fetch(process.argv[2])
const html = await res.text()
const blocks = []
for (const m of html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)) {
  blocks.push(await jsonld.expand(JSON.parse(m[1]), { documentLoader, safe: true }))
}
process.stdout.write(JSON.stringify({ status: res.status, blocks }))
