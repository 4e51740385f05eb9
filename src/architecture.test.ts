/**
 * Keeps the layers honest: imports point one way, down the stack, and React stays in src/ui.
 * protocol <- log, views <- speed, batch <- ingest <- serving <- ui; server/ imports only src/protocol.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  log: ['protocol'],
  views: ['protocol'],
  speed: ['protocol', 'views'],
  batch: ['protocol', 'log', 'views'],
  ingest: ['protocol', 'log', 'views', 'speed'],
  serving: ['protocol', 'log', 'views', 'speed', 'batch', 'ingest'],
  ui: ['protocol', 'log', 'views', 'speed', 'batch', 'ingest', 'serving'],
  testing: ['protocol', 'log', 'views', 'speed', 'batch'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((m) => (m[1] ?? m[2])!);
}

function layerOf(file: string): string | null {
  const rel = relative(join(ROOT, 'src'), file);
  return rel.includes('/') ? rel.split('/')[0]! : null;
}

describe('architecture', () => {
  it('src layers import only the layers below them', () => {
    const bad: string[] = [];
    for (const file of files(join(ROOT, 'src'))) {
      const layer = layerOf(file);
      if (!layer || file.endsWith('.test.ts')) continue;
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = layerOf(resolve(dirname(file), spec));
        if (target && target !== layer && !(ALLOWED[layer] ?? []).includes(target)) bad.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('React is only in src/ui and the entry point', () => {
    const bad = files(join(ROOT, 'src'))
      .filter((f) => !['ui', null].includes(layerOf(f)))
      .filter((f) => imports(f).some((s) => s === 'react' || s.startsWith('react-dom') || s.startsWith('@tanstack/react') || s === 'recharts' || s === 'zustand'));
    expect(bad.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('server/ imports only src/protocol from the app', () => {
    const bad: string[] = [];
    for (const file of files(join(ROOT, 'server'))) {
      for (const spec of imports(file)) {
        if (!spec.includes('/src/')) continue;
        if (!spec.includes('/src/protocol/')) bad.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('finds the imports it checks (the check itself works)', () => {
    expect(imports(join(ROOT, 'src/serving/Pipeline.ts'))).toContain('../views/compileView');
  });
});
