/**
 * Ingress: a delivery (or a rejection) is one append, one round trip to Redis, with no read and no content check;
 * repeats of the same content are recognised when the delivery is planned (./planning.ts). The delivery is durable
 * once Redis replied (as far as Redis persistence makes it: AOF with appendfsync everysec or always).
 */
import { RECEIVED, REJECTED, REJECTION_ERROR_CLASS } from '../../sync/index.js';
import type { DeliveryIntake, NewDelivery, Rejection } from '../types.js';
import type { RedisConnection } from './connection.js';

export class RedisIntake implements DeliveryIntake {
  constructor(private readonly c: RedisConnection) {}

  async recordDelivery(d: NewDelivery): Promise<{ id: string }> {
    const id = await this.c.run('wckAppend', d.storeId, RECEIVED.status, '1', '', 'state', RECEIVED.state, 'received_at', String(Date.now()),
      'topic', d.topic, 'content_hash', d.contentHash, 'headers', JSON.stringify(d.headers), 'body', d.body);
    return { id: String(id) };
  }

  async recordRejection(r: Rejection): Promise<string> {
    const fields = ['state', REJECTED.state, 'received_at', String(Date.now()), 'headers', JSON.stringify(r.headers), 'body', r.body,
      'error_class', r.code, 'error_message', r.message];
    if (r.topic) fields.push('topic', r.topic);
    return String(await this.c.run('wckAppend', r.storeId, REJECTED.status, '0', REJECTION_ERROR_CLASS, ...fields));
  }
}
