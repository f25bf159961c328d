<?php
/**
 * The consent routes: the checkbox settings, and a customer's consent status read through the sidecar.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\Consent\ConsentSettings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * GET/POST /consent-settings (which checkboxes are shown and their labels) and GET /consent?email= (the sidecar's
 * GET /v1/stores/{storeId}/consent: the profile's Klaviyo email and SMS status and the consent records the
 * sidecar holds, proxied unchanged).
 */
final class ConsentController {

	/**
	 * Checkbox settings.
	 *
	 * @var ConsentSettings
	 */
	private ConsentSettings $settings;

	/**
	 * Sidecar proxy for the saved store.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Constructor.
	 *
	 * @param ConsentSettings $settings Checkbox settings.
	 * @param StoreProxy      $proxy    Sidecar proxy.
	 */
	public function __construct( ConsentSettings $settings, StoreProxy $proxy ) {
		$this->settings = $settings;
		$this->proxy    = $proxy;
	}

	/**
	 * GET /consent-settings.
	 */
	public function get_consent_settings(): WP_REST_Response {
		return new WP_REST_Response( $this->settings->view() );
	}

	/**
	 * POST /consent-settings: body { email?: { enabled?, label? }, sms?: { enabled?, label? } }.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function save_consent_settings( WP_REST_Request $request ) {
		$body = $request->get_json_params();
		if ( ! is_array( $body ) ) {
			return new WP_Error( 'wck_invalid_field', __( 'Send the consent settings as a JSON object.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
		}
		$saved = $this->settings->save( $body );
		if ( is_wp_error( $saved ) ) {
			return $saved;
		}
		return new WP_REST_Response( $this->settings->view() );
	}

	/**
	 * GET /consent?email=…: the sidecar's answer for that address.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_consent( WP_REST_Request $request ) {
		$email = (string) $request->get_param( 'email' );
		if ( ! is_email( $email ) ) {
			return new WP_Error(
				'wck_invalid_field',
				__( 'Give the email address whose consent to show.', 'wc-klaviyo-sync' ),
				array(
					'status' => 400,
					'field'  => 'email',
				)
			);
		}
		return $this->proxy->respond( 'GET', '/consent', array( 'email' => $email ) );
	}
}
