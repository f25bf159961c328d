/** A 40px button that shows its action is running and cannot be pressed again meanwhile. */
import { Button } from '@wordpress/components';
import type { ReactNode } from 'react';

interface Props {
	variant: 'primary' | 'secondary';
	/** The action runs: the button spins and is disabled. */
	busy: boolean;
	/** Disabled for another reason as well. */
	disabled?: boolean;
	type?: 'submit' | 'button';
	onClick?: () => void;
	children: ReactNode;
}

export function BusyButton( { busy, disabled = false, ...props }: Props ) {
	return (
		<Button
			{ ...props }
			isBusy={ busy }
			disabled={ busy || disabled }
			__next40pxDefaultSize
		/>
	);
}
