/**
 * Keeps the layers honest: imports point one way, down the stack, React stays in src/ui, and src/protocol
 * (shared with the server) names no DOM or Node type.
 * protocol <- log, views <- speed, batch <- ingest <- serving <- ui; server/ imports only src/protocol and
 * src/views (the one view definition, compiled to ClickHouse SQL for a cluster batch layer), its tests
 * also the test helpers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
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

/** Compiles `files` (plus `extra`, in memory) with only the given libs and no @types; returns the diagnostics as text. */
function compile(files: string[], lib: string[], extra: Record<string, string> = {}): string[] {
  const options: ts.CompilerOptions = {
    lib,
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    // Else `import 'node:fs'` (a side-effect import) would compile even without Node's types.
    noUncheckedSideEffectImports: true,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => (name in extra ? ts.createSourceFile(name, extra[name]!, language) : getSourceFile(name, language, ...rest));
  host.fileExists = (name) => name in extra || fileExists(name);
  host.readFile = (name) => extra[name] ?? readFile(name);
  const program = ts.createProgram([...files, ...Object.keys(extra)], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const PROTOCOL = join(ROOT, 'src/protocol');
const protocolFiles = () => files(PROTOCOL).filter((f) => !/\.test(-d)?\.ts$/.test(f));

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

  it('server/ imports only src/protocol and src/views from the app (its tests also the test helpers)', () => {
    const bad: string[] = [];
    for (const file of files(join(ROOT, 'server'))) {
      const test = /\.test\.ts$/.test(file);
      for (const spec of imports(file)) {
        if (!spec.includes('/src/')) continue;
        const testHelper = spec.includes('/src/testing/') || spec.includes('/src/views/testing/');
        if (test && testHelper) continue;
        if (testHelper || !(spec.includes('/src/protocol/') || spec.includes('/src/views/'))) bad.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  // The server imports src/protocol too: a DOM or Node type there would compile in one runtime only.
  it('src/protocol compiles with neither DOM nor Node types', () => {
    expect(protocolFiles().length).toBeGreaterThan(0);
    expect(compile(protocolFiles(), ['lib.es2023.d.ts'])).toEqual([]);
  });

  // The server compiles views too (ClickHouse SQL): the same rule as src/protocol.
  it('src/views compiles with neither DOM nor Node types', () => {
    const views = files(join(ROOT, 'src', 'views')).filter((f) => !/\.test(-d)?\.ts$/.test(f) && !f.includes('/testing/'));
    expect(views.length).toBeGreaterThan(0);
    expect(compile(views, ['lib.es2023.d.ts'])).toEqual([]);
  });

  it('src/protocol imports no Node module', () => {
    const node = new Set(builtinModules);
    const bad = protocolFiles().flatMap((f) => {
      const dynamic = [...readFileSync(f, 'utf8').matchAll(/\bimport\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      return [...imports(f), ...dynamic].filter((s) => s.startsWith('node:') || node.has(s)).map((s) => `${relative(ROOT, f)} imports ${s}`);
    });
    expect(bad).toEqual([]);
  });

  it("the RPC port type fits a Worker, a MessagePort and a worker's global scope", () => {
    const check = (name: string, lib: string, text: string) => compile([], ['lib.es2023.d.ts', lib], { [join(PROTOCOL, name)]: `import type { PortLike } from './rpc';\n${text}` });
    expect(check('__dom_check.ts', 'lib.dom.d.ts', 'declare const w: Worker, p: MessagePort;\nexport const ports: PortLike[] = [w, p];')).toEqual([]);
    expect(check('__worker_check.ts', 'lib.webworker.d.ts', 'export const port: PortLike = self as DedicatedWorkerGlobalScope;')).toEqual([]);
    // And the checks can fail: something that only posts is no port.
    expect(check('__bad_check.ts', 'lib.dom.d.ts', 'export const port: PortLike = { postMessage() {} };')).not.toEqual([]);
  });

  it('finds the imports it checks (the check itself works)', () => {
    expect(imports(join(ROOT, 'src/serving/Pipeline.ts'))).toContain('../views/compileView');
  });
});
