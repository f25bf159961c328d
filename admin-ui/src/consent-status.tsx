/** Entry: the consent status boxes on the customer's profile screen and the order screen. */
import { createRoot } from '@wordpress/element';
import domReady from '@wordpress/dom-ready';
import { ConsentStatusBox } from './consent-status/ConsentStatusBox';

domReady( () => {
	document
		.querySelectorAll< HTMLElement >( '.wck-consent-status[data-email]' )
		.forEach( ( el ) => {
			const email = el.dataset.email ?? '';
			if ( email ) {
				createRoot( el ).render( <ConsentStatusBox email={ email } /> );
			}
		} );
} );
