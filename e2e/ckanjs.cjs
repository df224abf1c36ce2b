// ckanjs.cjs reads govlake through the npm ckan client (okfn's ckan.js),
// as a Recline or ckan.js page would, and prints what each call answered
// as JSON. The Go test checks the answers.
//
//   node e2e/ckanjs.cjs BASE_URL
const CKAN = require('ckan')

const client = new CKAN.Client(process.argv[2])
const out = {}
const call = (name, fn) => new Promise(resolve => fn((err, res) => { out[name] = err ? { error: String(err) } : res; resolve() }))

;(async () => {
  await call('package_list', cb => client.action('package_list', {}, cb))
  await call('dataset_show', cb => client.action('dataset_show', { id: 'population' }, cb))
  await call('package_search', cb => client.action('package_search', { fq: 'organization:worldbank', rows: 100, sort: 'id asc' }, cb))
  await call('datastoreQuery', cb => client.datastoreQuery({
    resource_id: 'population', size: 5, from: 0,
    filters: [{ type: 'term', field: 'Country Code', term: 'MMR' }],
    sort: [{ field: 'Year', order: 'desc' }]
  }, cb))
  await call('datastoreSqlQuery', cb => client.datastoreSqlQuery(`SELECT "Value" FROM population WHERE "Country Code" = 'MMR' AND "Year" = 2020`, cb))
  await call('datastoreResources', cb => client.datastoreResources(cb))
  await call('unknown', cb => client.action('package_revise', {}, cb))
  process.stdout.write(JSON.stringify(out))
})()
