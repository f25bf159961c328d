import { createRoot } from '@wordpress/element';
import domReady from '@wordpress/dom-ready';
import type { ReactElement } from 'react';

/**
 * Renders `element` into the plugin's mount div once the DOM is ready; does nothing on other pages.
 * @param id      Id of the mount div.
 * @param element What to render.
 */
export function mount( id: string, element: ReactElement ): void {
	domReady( () => {
		const container = document.getElementById( id );
		if ( container ) {
			createRoot( container ).render( element );
		}
	} );
}
