import type { DatasetSchema } from './schema';

/** The demo stream's schema: an online shop's orders. */
export const SHOP_SCHEMA: DatasetSchema = {
  fields: [
    { name: 'country', type: 'string' },
    { name: 'product', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'amount', type: 'number' },
    { name: 'quantity', type: 'number' },
  ],
};

export const SHOP_STREAM_ID = 'shop';
