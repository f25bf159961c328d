/** What a delivery is when it is stored, and when it is refused at ingress. */
import type { DeliveryState, DeliveryStatus } from './records.js';

/** Stored, waiting to be mapped and planned. */
export const RECEIVED = { state: 'received', status: 'pending' } as const satisfies { state: DeliveryState; status: DeliveryStatus };

/** Refused at ingress (answered 4xx); counted in the store's errors under REJECTION_ERROR_CLASS. */
export const REJECTED = { state: 'rejected', status: 'rejected' } as const satisfies { state: DeliveryState; status: DeliveryStatus };
export const REJECTION_ERROR_CLASS = 'ingress';
