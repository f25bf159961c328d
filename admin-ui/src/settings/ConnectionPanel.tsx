/**
 * How this site is connected to the sync service: "connected as store X" (never a credential), the "Rotate
 * credential" button, and, after an upgrade, whether the admin token an older version saved is still waiting to be
 * exchanged for the store's own credential.
 */
import { Notice } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { BusyButton } from '../shared/BusyButton';
import type { Settings } from '../types';

interface Props {
	saved: Settings;
	rotating: boolean;
	onRotate: () => void;
}

export function connectionText( saved: Settings ): string {
	if ( saved.connected ) {
		return sprintf(
			/* translators: 1: store id, 2: sync service address */
			__(
				'Connected as store %1$s to the sync service at %2$s.',
				'wc-klaviyo-sync'
			),
			saved.storeId,
			saved.sidecarUrl
		);
	}
	if ( saved.migration ) {
		return sprintf(
			/* translators: %s: sync service address */
			__(
				'Connected to the sync service at %s with the admin token an earlier version saved.',
				'wc-klaviyo-sync'
			),
			saved.sidecarUrl
		);
	}
	return __(
		'Not connected yet: paste a connection code below.',
		'wc-klaviyo-sync'
	);
}

export function migrationText( saved: Settings ): string | null {
	if ( ! saved.migration?.pending ) {
		return null;
	}
	const base = __(
		'This site still holds the sync service’s admin token from an earlier version. It is exchanged once for this store’s own credential and then deleted; nothing is lost meanwhile.',
		'wc-klaviyo-sync'
	);
	return saved.migration.error
		? sprintf(
				/* translators: 1: the explanation above, 2: why the last attempt failed */
				__(
					'%1$s The last attempt failed, and it is tried again on the next admin page: %2$s',
					'wc-klaviyo-sync'
				),
				base,
				saved.migration.error
			)
		: base;
}

export function ConnectionPanel( { saved, rotating, onRotate }: Props ) {
	const migration = migrationText( saved );
	return (
		<div className="wck-connection" style={ { margin: '0 0 16px' } }>
			<p>{ connectionText( saved ) }</p>
			{ migration && (
				<Notice status="warning" isDismissible={ false }>
					<p>{ migration }</p>
				</Notice>
			) }
			{ saved.connected && (
				<div
					style={ {
						display: 'flex',
						gap: '8px',
						alignItems: 'center',
					} }
				>
					<BusyButton
						variant="secondary"
						busy={ rotating }
						onClick={ onRotate }
					>
						{ __( 'Rotate credential', 'wc-klaviyo-sync' ) }
					</BusyButton>
					<span>
						{ __(
							'Issues a new store credential; the current one stops working at once.',
							'wc-klaviyo-sync'
						) }
					</span>
				</div>
			) }
		</div>
	);
}
