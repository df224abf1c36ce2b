// browse.mjs drives Debian's chromium with playwright-core for the Go page
// tests: it loads each page of a plan, runs axe-core on it, takes a
// screenshot, and reports what it saw as JSON on stdout. The Go tests
// decide what is right; this script only looks.
//
//   node e2e/browse.mjs plan.json
//
// plan: {"chromium": "/usr/bin/chromium", "pages": [{"url", "screenshot",
//        "axe": true, "width": 1280, "height": 900,
//        "download": "#selector", "pdf": "out.pdf", "javascript": true,
//        "steps": [{"fill": [sel, text]}, {"file": [sel, path]}, {"check": sel}, {"click": sel}, {"waitFor": sel}, {"submit": sel}]}]}
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const browser = await chromium.launch({
  executablePath: plan.chromium || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
  timeout: 60000,
});
const results = [];
try {
  for (const p of plan.pages) {
    results.push(await visit(p));
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ pages: results }));

async function visit(p) {
  const context = await browser.newContext({
    viewport: { width: p.width || 1280, height: p.height || 900 },
    javaScriptEnabled: p.javascript !== false,
    acceptDownloads: true,
    locale: p.locale || 'en-US',
  });
  const page = await context.newPage();
  const out = { url: p.url, console: [], requests: [] };
  const began = Date.now();
  page.on('console', (m) => { if (m.type() === 'error') out.console.push(m.text()); });
  page.on('pageerror', (e) => out.console.push(String(e)));
  page.on('request', (r) => out.requests.push(r.url()));
  try {
    const resp = await page.goto(p.url, { waitUntil: 'load', timeout: 30000 });
    out.status = resp ? resp.status() : 0;
    for (const step of p.steps || []) {
      if (step.fill) await page.fill(step.fill[0], step.fill[1]);
      if (step.file) await page.setInputFiles(step.file[0], step.file[1]);
      if (step.check) await page.check(step.check);
      if (step.select) await page.selectOption(step.select[0], step.select[1]);
      if (step.type) await page.keyboard.type(step.type, { delay: 30 });
      if (step.press) {
        if (step.press === 'Enter') {
          // Enter may follow a link or submit a form: wait for the page it opens, if any.
          const nav = page.waitForNavigation({ waitUntil: 'load', timeout: 10000 }).catch(() => null);
          await page.keyboard.press('Enter');
          await nav;
        } else {
          await page.keyboard.press(step.press);
        }
        out.focused = (out.focused || []).concat([await page.evaluate(() => {
          const e = document.activeElement;
          return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') : '';
        })]);
      }
      if (step.click) await page.click(step.click);
      if (step.waitFor) await page.waitForSelector(step.waitFor, { timeout: 30000 });
      if (step.attached) await page.waitForSelector(step.attached, { state: 'attached', timeout: 30000 });
      if (step.submit) {
        const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 30000 }), page.click(step.submit)]);
        out.status = r ? r.status() : 0;
        out.steps = (out.steps || []).concat([{ url: page.url(), status: out.status }]);
      }
    }
    if (p.download) {
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click(p.download)]);
      const path = p.screenshot ? p.screenshot.replace(/\.png$/, '') + '.download' : 'download.bin';
      await dl.saveAs(path);
      out.download = { name: dl.suggestedFilename(), path };
    }
    out.chart = await page.evaluate(chartInfo);
    out.overflow = await page.evaluate(overflowInfo);
    if (p.screenshot) await page.screenshot({ path: p.screenshot, fullPage: true });
    if (p.pdf) {
      await page.emulateMedia({ media: 'print' });
      await page.pdf({ path: p.pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
      await page.emulateMedia({ media: 'screen' });
    }
    if (p.axe) {
      // Evaluated through the browser's tooling, as a person's devtools would:
      // the page's Content-Security-Policy (no inline script) stays in force.
      await page.evaluate(axeSource);
      const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      out.axe = r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
    }
    out.html = await page.content();
    out.finalURL = page.url();
  } catch (e) {
    out.error = String(e && e.message ? e.message : e);
  }
  await context.close();
  out.ms = Date.now() - began;
  return out;
}

// chartInfo says what the page's charts drew: for an SVG, how many shapes;
// for a canvas, how many pixels are not blank.
function chartInfo() {
  const info = [];
  for (const el of document.querySelectorAll('[data-chart]')) {
    const svg = el.querySelector('svg');
    const canvas = el.querySelector('canvas');
    let painted = 0;
    if (canvas) {
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) painted++;
    }
    info.push({
      id: el.id,
      svgPaths: svg ? svg.querySelectorAll('path, polyline, line, circle, rect').length : 0,
      canvasPainted: painted,
      width: el.getBoundingClientRect().width,
      height: el.getBoundingClientRect().height,
    });
  }
  return info;
}

// overflowInfo says whether the page scrolls sideways, and which elements
// stick out of the viewport (tables inside a scrolling box do not count).
function overflowInfo() {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.scroll, pre')) continue;
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && wide.length < 5) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right));
  }
  return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide };
}
