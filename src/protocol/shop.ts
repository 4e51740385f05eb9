import type { DatasetSchema } from './schema';

/** The demo stream's schema: an online shop's orders. */
export const SHOP_SCHEMA: DatasetSchema = {
  fields: [
    { name: 'country', type: 'text' },
    { name: 'product', type: 'text' },
    { name: 'channel', type: 'text' },
    { name: 'amount', type: 'float' },
    { name: 'quantity', type: 'float' },
  ],
};

export const SHOP_STREAM_ID = 'shop';
