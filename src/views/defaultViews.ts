import { SHOP_STREAM_ID } from '../protocol/shop';
import type { ViewDef } from './ViewDef';

/** The dashboard's built-in views over the demo shop stream. */
export const TOTALS_VIEW: ViewDef = {
  id: 'totals',
  name: 'Totals',
  dataset: SHOP_STREAM_ID,
  groupBy: [],
  bucketMs: null,
  measures: [
    { op: 'count', label: 'Events' },
    { op: 'sum', field: 'amount', label: 'Revenue' },
    { op: 'sum', field: 'quantity', label: 'Items' },
  ],
};

export const TIMELINE_VIEW: ViewDef = {
  id: 'timeline',
  name: 'Events and revenue per 10 s',
  dataset: SHOP_STREAM_ID,
  groupBy: [],
  bucketMs: 10_000,
  measures: [
    { op: 'count', label: 'Events' },
    { op: 'sum', field: 'amount', label: 'Revenue' },
  ],
};

export const BY_COUNTRY_VIEW: ViewDef = {
  id: 'by-country',
  name: 'Revenue by country',
  dataset: SHOP_STREAM_ID,
  groupBy: ['country'],
  bucketMs: null,
  measures: [
    { op: 'sum', field: 'amount', label: 'Revenue' },
    { op: 'count', label: 'Events' },
  ],
};

export const DEFAULT_VIEWS: readonly ViewDef[] = [TOTALS_VIEW, TIMELINE_VIEW, BY_COUNTRY_VIEW];
