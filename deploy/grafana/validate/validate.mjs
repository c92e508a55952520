// Validates every dashboard in ../dashboards (or the files given) against @grafana/schema:
// each board becomes a TypeScript object literal typed as the schema's Dashboard, and tsc --strict checks it
// (unknown fields, wrong types and wrong enum values fail). Then checks what the types cannot: unique panel ids,
// no overlapping grid positions, a Prometheus datasource and a non-empty expression on every query.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => resolve(f))
  : readdirSync(join(here, '..', 'dashboards')).filter((f) => f.endsWith('.json')).map((f) => join(here, '..', 'dashboards', f));
const work = join(here, '.check');
rmSync(work, { recursive: true, force: true });
mkdirSync(work);
const problems = [];

files.forEach((file, i) => {
  const text = readFileSync(file, 'utf8');
  let board;
  try {
    board = JSON.parse(text);
  } catch (e) {
    problems.push(`${file}: not JSON: ${e.message}`);
    return;
  }
  // Line n of the JSON is line n + 1 of the .ts file.
  writeFileSync(join(work, `board${i}.ts`),
    `import type { Dashboard } from '@grafana/schema'; import type { Json } from './json';\nexport const board: Json<Dashboard> = ${text};\n`);
  const ids = new Set();
  const cells = new Set();
  for (const p of board.panels ?? []) {
    if (ids.has(p.id)) problems.push(`${file}: duplicate panel id ${p.id}`);
    ids.add(p.id);
    const g = p.gridPos;
    for (let x = g.x; x < g.x + g.w; x++) {
      for (let y = g.y; y < g.y + g.h; y++) {
        if (cells.has(`${x},${y}`)) problems.push(`${file}: panel ${p.id} "${p.title}" overlaps another at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
    if (g.x + g.w > 24) problems.push(`${file}: panel ${p.id} is wider than the grid`);
    for (const t of p.targets ?? []) {
      if (t.datasource?.type !== 'prometheus') problems.push(`${file}: panel ${p.id} query ${t.refId} is not on Prometheus`);
      if (!t.expr || !t.expr.trim()) problems.push(`${file}: panel ${p.id} query ${t.refId} has no expression`);
    }
  }
});

// JSON cannot name a TypeScript enum member: read every string enum as the union of its values. Everything else
// (unknown fields, wrong types, values outside an enum) is checked as the schema says.
writeFileSync(join(work, 'json.ts'), `export type Json<T> =
  T extends string ? (string extends T ? string : \`\${T}\`) :
  T extends number | boolean | null | undefined ? T :
  T extends Array<infer U> ? Array<Json<U>> :
  T extends object ? { [K in keyof T]: Json<T[K]> } : T;
`);
writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022',
    skipLibCheck: true, typeRoots: [] },
  include: ['*.ts'],
}));
try {
  execFileSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(work, 'tsconfig.json')],
    { stdio: 'pipe', encoding: 'utf8' });
} catch (e) {
  const out = (e.stdout || '') + (e.stderr || '');
  problems.push(out.replace(/board(\d+)\.ts\((\d+),(\d+)\)/g,
    (_, n, line, col) => `${basename(files[Number(n)])}:${Number(line) - 1}:${col}`));
}
rmSync(work, { recursive: true, force: true });
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${files.length} dashboards valid against @grafana/schema`);
