// ckanapi.mjs publishes through govlake's CKAN write actions with the npm
// ckanapi client, as a ministry's existing CKAN script would, and prints
// what each call answered as JSON. The Go test checks the answers.
//
//   node e2e/ckanapi.mjs BASE_URL TOKEN FILE.csv
import { readFileSync } from 'node:fs';
import ckanapi from 'ckanapi';

const { Portal } = ckanapi;
const [base, token, file] = process.argv.slice(2);
const portal = new Portal(base).withToken(token);
const anonymous = new Portal(base);
const out = {};
const attempt = async (name, fn) => {
  try {
    out[name] = await fn();
  } catch (e) {
    out[name] = { error: e };
  }
};
await attempt('created', () => portal.action.package_create({
  name: 'weekly_cases', title: 'Weekly cases', owner_org: 'moh', notes: 'Cases by township and week.',
  license_id: 'CC-BY-4.0', tags: [{ name: 'health' }, { name: 'dengue' }],
}));
await attempt('resource', () => {
  const form = new FormData();
  form.append('package_id', 'weekly_cases');
  form.append('name', 'weekly-cases.csv');
  form.append('upload', new Blob([readFileSync(file)], { type: 'text/csv' }), 'weekly-cases.csv');
  return portal.action.resource_create(form);
});
await attempt('patched', () => portal.action.package_patch({ id: 'weekly_cases', title: 'Weekly dengue cases' }));
await attempt('shown', () => anonymous.action.package_show({ id: 'weekly_cases' }));
await attempt('anonymous', () => anonymous.action.package_create({ name: 'nobody_s', title: 'x' }));
await attempt('deleted', () => portal.action.package_delete({ id: 'weekly_cases' }));
process.stdout.write(JSON.stringify(out));
