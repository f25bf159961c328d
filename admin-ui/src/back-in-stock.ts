/**
 * Entry: the shopper-facing "Notify me when available" form on an out-of-stock product's page (BackInStockForm in the
 * plugin prints it, in classic and block themes). Posts the form to the plugin's public back-in-stock route and shows
 * the answer's message in the form; for a variable product, shows the form only while the chosen variation is out of
 * stock (WooCommerce's `found_variation` and `reset_data` events on its variation form) and names that variation.
 */
import apiFetch from '@wordpress/api-fetch';
import domReady from '@wordpress/dom-ready';
import { __ } from '@wordpress/i18n';

interface Variation {
	variation_id?: number;
	is_in_stock?: boolean;
}
interface JQueryLike {
	( el: Element ): {
		on: (
			events: string,
			handler: ( e: unknown, v?: Variation ) => void
		) => void;
	};
}

function setMessage( form: HTMLFormElement, text: string, ok: boolean ): void {
	const el = form.querySelector< HTMLElement >(
		'.wck-back-in-stock__message'
	);
	if ( el ) {
		el.textContent = text;
		el.dataset.state = ok ? 'ok' : 'error';
	}
}

function field( form: HTMLFormElement, name: string ): HTMLInputElement | null {
	return form.querySelector< HTMLInputElement >( `[name="${ name }"]` );
}

async function submit( form: HTMLFormElement ): Promise< void > {
	const email = field( form, 'email' )?.value.trim() ?? '';
	if ( ! email ) {
		setMessage(
			form,
			__( 'Please enter your email address.', 'wc-klaviyo-sync' ),
			false
		);
		return;
	}
	const button = form.querySelector< HTMLButtonElement >(
		'button[type="submit"]'
	);
	if ( button ) {
		button.disabled = true;
	}
	try {
		const answer = await apiFetch< { message: string } >( {
			url: form.dataset.url ?? '',
			method: 'POST',
			headers: { 'X-WCK-Nonce': field( form, 'nonce' )?.value ?? '' },
			data: {
				email,
				phone: field( form, 'phone' )?.value.trim() ?? '',
				product_id: Number( field( form, 'product_id' )?.value ?? 0 ),
			},
		} );
		setMessage( form, answer.message, true );
		form.reset();
	} catch ( error ) {
		const message = ( error as { message?: string } ).message;
		setMessage(
			form,
			message ||
				__(
					'Sorry, something went wrong. Please try again.',
					'wc-klaviyo-sync'
				),
			false
		);
	} finally {
		if ( button ) {
			button.disabled = false;
		}
	}
}

function followVariations( form: HTMLFormElement ): void {
	const jq = ( window as unknown as { jQuery?: JQueryLike } ).jQuery;
	const variations =
		document.querySelector(
			`form.variations_form[data-product_id="${ form.dataset.productId ?? '' }"]`
		) ?? document.querySelector( 'form.variations_form' );
	if ( ! jq || ! variations ) {
		return;
	}
	const id = field( form, 'product_id' );
	jq( variations ).on( 'found_variation', ( _e, v ) => {
		const out = !! v && v.is_in_stock === false && !! v.variation_id;
		form.hidden = ! out;
		if ( id ) {
			id.value = out ? String( v!.variation_id ) : '';
		}
		setMessage( form, '', true );
	} );
	jq( variations ).on( 'reset_data', () => {
		form.hidden = true;
		if ( id ) {
			id.value = '';
		}
	} );
}

domReady( () => {
	document
		.querySelectorAll< HTMLFormElement >( 'form.wck-back-in-stock' )
		.forEach( ( form ) => {
			form.addEventListener( 'submit', ( e ) => {
				e.preventDefault();
				void submit( form );
			} );
			if ( form.dataset.variable === '1' ) {
				followVariations( form );
			}
		} );
} );
