import type { SidecarStatus } from '../types';

/**
 * Jobs still to be sent: pending + in flight + retrying + held while the store is paused.
 * @param queue The sidecar status' job counts.
 */
export function queueDepth(
	queue: SidecarStatus[ 'queue' ] | null | undefined
): number {
	if ( ! queue ) {
		return 0;
	}
	return (
		( queue.pending ?? 0 ) +
		( queue.in_flight ?? 0 ) +
		( queue.retrying ?? 0 ) +
		( queue.paused ?? 0 )
	);
}
