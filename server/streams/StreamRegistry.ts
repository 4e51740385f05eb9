/**
 * The streams a server offers: the demo stream and every declared one, looked up by id. Declaring,
 * widening and retiring happen here, all or nothing, and with --data-dir the declarations are kept
 * beside the events so a restart offers the same streams at the same offsets.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerSource } from '../broker/BrokerSource';
import { judgeChange, parseDeclaration, type StreamDeclaration } from './declaration';
import { LiveStream, type LiveStreamOptions } from './LiveStream';

export interface RegistryOptions extends Omit<LiveStreamOptions, 'broker' | 'demo'> {
  /** At most this many streams (retired ones included: they keep their offsets). */
  maxStreams: number;
  /** A broker to hold declared streams; the demo stream always stays here. */
  broker?: (id: string) => BrokerSource;
  /** Told when the list of streams or a schema changed, so subscribers hear of it. */
  onChange: () => void;
}

export type DeclareResult = { status: 200 | 201; widened: string[]; stream: LiveStream } | { status: 400 | 409 | 429 | 503; error: string };

const FILE = 'streams.json';

export class StreamRegistry {
  private readonly streams = new Map<string, LiveStream>();
  /** Declarations being opened (a broker takes round trips): they hold their id and their slot. */
  private readonly opening = new Map<string, Promise<DeclareResult>>();

  private readonly streamOptions: Omit<LiveStreamOptions, 'broker' | 'demo'>;

  constructor(private readonly options: RegistryOptions) {
    this.streamOptions = {
      replayBuffer: options.replayBuffer,
      ackWindow: options.ackWindow,
      log: options.log,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.heldAtStart ? { heldAtStart: options.heldAtStart } : {}),
    };
  }

  /** Live (not retired) streams, in declaration order. */
  list(): LiveStream[] {
    return [...this.streams.values()].filter((s) => !s.retired);
  }

  get(id: string): LiveStream | undefined {
    const s = this.streams.get(id);
    return s && !s.retired ? s : undefined;
  }

  /** Adds the demo stream (never held by a broker, never stored in the declarations file). */
  async addDemo(declaration: StreamDeclaration): Promise<LiveStream> {
    const s = new LiveStream(declaration, { ...this.streamOptions, demo: true });
    await s.open();
    this.streams.set(declaration.id, s);
    return s;
  }

  /** Declarations a previous run kept with --data-dir, offered again at their offsets. */
  async restore(): Promise<void> {
    for (const saved of this.saved()) {
      const d = typeof saved?.id === 'string' ? parseDeclaration(saved.id, { fields: saved.schema?.fields, timeZone: saved.timeZone }) : { ok: false as const, error: 'an entry without an id' };
      if (!d.ok) {
        this.options.log(`not restoring stream ${String(saved?.id)} from ${FILE}: ${d.error}`);
        continue;
      }
      const s = await this.open(d.declaration);
      s.retired = saved.retired === true;
    }
  }

  /**
   * Declares a stream, or re-declares one: the same schema changes nothing, added fields widen it,
   * anything else is refused and nothing changes.
   */
  async declare(declaration: StreamDeclaration): Promise<DeclareResult> {
    const pending = this.opening.get(declaration.id);
    if (pending) {
      await pending;
      return this.declare(declaration);
    }
    const existing = this.streams.get(declaration.id);
    if (existing) {
      if (existing.shop) return { status: 409, error: `${declaration.id} is the demo stream; its schema is fixed` };
      const change = judgeChange(existing.declaration, declaration);
      if (change.kind === 'refused') return { status: 409, error: change.error };
      const revived = existing.retired;
      existing.retired = false;
      if (change.kind === 'widen') existing.widen({ ...existing.declaration, schema: change.schema });
      if (change.kind === 'widen' || revived) this.changed();
      return { status: 200, widened: change.kind === 'widen' ? change.added : [], stream: existing };
    }
    if (this.streams.size + this.opening.size >= this.options.maxStreams) return { status: 429, error: `this server offers at most ${this.options.maxStreams} streams` };
    const opened = this.open(declaration).then(
      (s): DeclareResult => {
        this.changed();
        return { status: 201, widened: [], stream: s };
      },
      (e: unknown): DeclareResult => ({ status: 503, error: `stream ${declaration.id} could not be opened: ${e instanceof Error ? e.message : String(e)}` }),
    );
    this.opening.set(declaration.id, opened);
    try {
      return await opened;
    } finally {
      this.opening.delete(declaration.id);
    }
  }

  /** Stops offering a stream. Its events and offsets are kept: declaring it again continues them. */
  retire(id: string): boolean {
    const s = this.get(id);
    if (!s || s.shop) return false;
    s.retired = true;
    for (const sub of s.hub.subscribers) s.hub.unsubscribe(sub);
    this.changed();
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].map((s) => s.close()));
  }

  private async open(declaration: StreamDeclaration): Promise<LiveStream> {
    const broker = this.options.broker?.(declaration.id);
    const s = new LiveStream(declaration, { ...this.streamOptions, ...(broker ? { broker } : {}) });
    try {
      await s.open();
    } catch (e) {
      await s.close().catch(() => undefined);
      throw e;
    }
    this.streams.set(declaration.id, s);
    return s;
  }

  private changed(): void {
    this.save();
    this.options.onChange();
  }

  private saved(): (StreamDeclaration & { retired: boolean })[] {
    const dir = this.options.dataDir;
    if (!dir || !existsSync(join(dir, FILE))) return [];
    try {
      // Checked entry by entry in restore(): a hand-edited file must not stop the server.
      const list: unknown = JSON.parse(readFileSync(join(dir, FILE), 'utf8'));
      return Array.isArray(list) ? (list as (StreamDeclaration & { retired: boolean })[]) : [];
    } catch (e) {
      this.options.log(`cannot read ${FILE} in the data directory (${e instanceof Error ? e.message : String(e)}); declared streams are not restored`);
      return [];
    }
  }

  /** Written to a temporary file and renamed over the old one: a crash leaves the old list or the new. */
  private save(): void {
    const dir = this.options.dataDir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const list = [...this.streams.values()].filter((s) => !s.shop).map((s) => ({ ...s.declaration, retired: s.retired }));
    writeFileSync(join(dir, `${FILE}.tmp`), JSON.stringify(list, null, 2));
    renameSync(join(dir, `${FILE}.tmp`), join(dir, FILE));
  }
}
