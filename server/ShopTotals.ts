/**
 * Exact totals of everything a shop stream published (generated or posted), so tests can check the
 * dashboard's numbers to the cent: amounts are summed in integer cents.
 */
import type { ColumnBatch } from '../src/protocol/schema';
import type { ShopStreamStats } from '../src/protocol/stream';

interface Cell {
  count: number;
  amountCents: number;
  quantity: number;
}

export class ShopTotals {
  count = 0;
  amountCents = 0;
  quantity = 0;
  /** Per country, then per channel: enough to check any view grouped or filtered by them. */
  readonly byCountryChannel = new Map<string | null, Map<string | null, Cell>>();

  add(batch: ColumnBatch): void {
    const country = batch.columns.country as (string | null)[];
    const channel = batch.columns.channel as (string | null)[];
    const amount = batch.columns.amount as (number | null)[];
    const quantity = batch.columns.quantity as (number | null)[];
    for (let i = 0; i < batch.count; i++) {
      const cents = Math.round((amount[i] ?? 0) * 100);
      const q = quantity[i] ?? 0;
      this.count++;
      this.amountCents += cents;
      this.quantity += q;
      let byChannel = this.byCountryChannel.get(country[i] ?? null);
      if (!byChannel) this.byCountryChannel.set(country[i] ?? null, (byChannel = new Map()));
      let cell = byChannel.get(channel[i] ?? null);
      if (!cell) byChannel.set(channel[i] ?? null, (cell = { count: 0, amountCents: 0, quantity: 0 }));
      cell.count++;
      cell.amountCents += cents;
      cell.quantity += q;
    }
  }

  breakdown(): ShopStreamStats['breakdown'] {
    const out: ShopStreamStats['breakdown'] = {};
    for (const [country, byChannel] of this.byCountryChannel) {
      const row: ShopStreamStats['breakdown'][string] = {};
      for (const [ch, c] of byChannel) row[String(ch)] = { count: c.count, amount: c.amountCents / 100, quantity: c.quantity };
      out[String(country)] = row;
    }
    return out;
  }
}
