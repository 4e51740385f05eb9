#!/usr/bin/env node
/**
 * Finds a Chromium for Playwright, or gets one, and says which.
 * Order: $CHROMIUM_PATH, a system chromium on PATH, Playwright's own download; failing those,
 * Debian's `chromium` package when running as root with apt-get, else `npx playwright install chromium`.
 * `node scripts/chromium.mjs --ensure` installs when needed; the Playwright config calls findChromium().
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function which(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : null;
}

function playwrightsOwn() {
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require('@playwright/test');
    const p = chromium.executablePath();
    return p && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** @returns {{ path: string, source: string } | null} */
export function findChromium() {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!existsSync(env)) throw new Error(`CHROMIUM_PATH=${env} does not exist`);
    return { path: env, source: 'CHROMIUM_PATH' };
  }
  for (const name of SYSTEM_NAMES) {
    const p = which(name);
    if (p) return { path: p, source: `system ${name}` };
  }
  const own = playwrightsOwn();
  if (own) return { path: own, source: "Playwright's own Chromium" };
  return null;
}

function install() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && which('apt-get')) {
    console.log("[chromium] none found: installing Debian's chromium package (apt-get)…");
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    console.log('[chromium] none found: running `npx playwright install chromium`…');
    execFileSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let found = findChromium();
  if (!found && process.argv.includes('--ensure')) {
    install();
    found = findChromium();
  }
  if (!found) {
    console.error('[chromium] no Chromium found; set CHROMIUM_PATH or run with --ensure');
    process.exit(1);
  }
  const version = spawnSync(found.path, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`[chromium] using ${found.source}: ${found.path} (${version || 'version unknown'})`);
}
