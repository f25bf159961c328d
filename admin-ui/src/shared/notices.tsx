/** What the admin pages show while they wait, and the dismissible notice of an action's outcome. */
import { Notice, Spinner } from '@wordpress/components';
import { describeError } from './errors';

export interface PageNotice {
	status: 'success' | 'warning' | 'error';
	message: string;
}

/**
 * A failed action's notice, in plain words.
 * @param error What the action rejected with.
 */
export function errorNotice( error: unknown ): PageNotice {
	return { status: 'error', message: describeError( error ).message };
}

/**
 * The outcome of the last action, dismissible; nothing when there is none.
 *
 * @param root0          Props.
 * @param root0.notice   What to say, or null.
 * @param root0.onRemove Called when the notice is dismissed.
 */
export function OutcomeNotice( {
	notice,
	onRemove,
}: {
	notice: PageNotice | null;
	onRemove: () => void;
} ) {
	if ( ! notice ) {
		return null;
	}
	return (
		<Notice status={ notice.status } onRemove={ onRemove }>
			{ notice.message }
		</Notice>
	);
}

/**
 * A spinner and what is being loaded.
 *
 * @param root0          Props.
 * @param root0.children The words, e.g. "Loading settings…".
 */
export function Loading( { children }: { children: string } ) {
	return (
		<p>
			<Spinner /> { children }
		</p>
	);
}
