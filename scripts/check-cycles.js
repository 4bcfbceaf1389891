// Fails when the compiled modules under dist/src import each other in a cycle, or when `audit`
// imports a feature module: dependency arrows go one way (STYLE.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve('dist/src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.js')) files.push(path);
  }
})(root);

const graph = new Map();
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const deps = [...source.matchAll(/^\s*import\s[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) => resolve(dirname(file), m[1]));
  graph.set(file, deps.filter((d) => graph.has(d) || files.includes(d)));
}

const problems = [];
const state = new Map();
function visit(node, stack) {
  state.set(node, 'open');
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (state.get(dep) === 'open') {
      problems.push(`cycle: ${stack.slice(stack.indexOf(dep)).concat(dep).map((f) => relative(root, f)).join(' -> ')}`);
    } else if (!state.has(dep)) visit(dep, stack);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const file of files) if (!state.has(file)) visit(file, []);

const FEATURES = ['networks', 'members', 'consent', 'accounts', 'auth', 'cli', 'health'];
for (const [file, deps] of graph) {
  const area = relative(root, file).split('/')[0];
  if (area !== 'audit' && area !== 'common') continue;
  for (const dep of deps) {
    const target = relative(root, dep).split('/')[0];
    if (FEATURES.includes(target)) problems.push(`${relative(root, file)} imports feature module ${relative(root, dep)}`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`no import cycles in ${files.length} modules`);
