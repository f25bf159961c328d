/** "Replay all failed", with an inline confirmation. */
import { Button, Notice } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { BusyButton } from '../shared/BusyButton';

interface Props {
	/** Dead deliveries according to the status, or null when unknown. */
	deadCount: number | null;
	busy: boolean;
	onConfirm: () => void;
}

export function ReplayAll( { deadCount, busy, onConfirm }: Props ) {
	const [ asking, setAsking ] = useState( false );
	if ( asking ) {
		return (
			<Notice status="warning" isDismissible={ false }>
				<p>
					{ deadCount
						? sprintf(
								/* translators: %d: number of failed deliveries */
								_n(
									'Send the failed requests of %d delivery to Klaviyo again? Requests that already succeeded are not repeated.',
									'Send the failed requests of %d deliveries to Klaviyo again? Requests that already succeeded are not repeated.',
									deadCount,
									'wc-klaviyo-sync'
								),
								deadCount
							)
						: __(
								'Send every failed request to Klaviyo again? Requests that already succeeded are not repeated.',
								'wc-klaviyo-sync'
							) }
				</p>
				<Button
					variant="primary"
					onClick={ () => {
						setAsking( false );
						onConfirm();
					} }
				>
					{ __( 'Yes, replay all failed', 'wc-klaviyo-sync' ) }
				</Button>{ ' ' }
				<Button variant="tertiary" onClick={ () => setAsking( false ) }>
					{ __( 'Cancel', 'wc-klaviyo-sync' ) }
				</Button>
			</Notice>
		);
	}
	return (
		<BusyButton
			variant="secondary"
			onClick={ () => setAsking( true ) }
			busy={ busy }
			disabled={ deadCount === 0 }
		>
			{ __( 'Replay all failed', 'wc-klaviyo-sync' ) }
		</BusyButton>
	);
}
