<?php
/**
 * The save flow (validate, push the store to the sidecar, register the webhooks) and the connection test.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Validates settings input, saves the store on the sidecar (PUT /v1/stores/{storeId}), stores the
 * settings and creates or updates the webhooks. An invalid Klaviyo key changes nothing locally. The connection
 * test checks the same input against the sidecar and Klaviyo and saves nothing.
 */
final class Connector {

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Sidecar client.
	 *
	 * @var SidecarClient
	 */
	private SidecarClient $sidecar;

	/**
	 * Webhook registrar.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Constructor.
	 *
	 * @param Settings         $settings  Stored settings.
	 * @param SidecarClient    $sidecar   Sidecar client.
	 * @param WebhookRegistrar $registrar Webhook registrar.
	 */
	public function __construct( Settings $settings, SidecarClient $sidecar, WebhookRegistrar $registrar ) {
		$this->settings  = $settings;
		$this->sidecar   = $sidecar;
		$this->registrar = $registrar;
	}

	/**
	 * A field error.
	 *
	 * @param string $field   Field name as the browser sends it.
	 * @param string $message Plain-words message.
	 */
	private static function field_error( string $field, string $message ): WP_Error {
		return new WP_Error(
			'wck_invalid_field',
			$message,
			array(
				'status' => 400,
				'field'  => $field,
			)
		);
	}

	/**
	 * Merges input with the saved values and validates it.
	 *
	 * @param array<string, mixed> $input { sidecarUrl?, adminToken?, klaviyoPrivateKey?, listId? }.
	 * @return array{sidecar_url: string, admin_token: string, klaviyo_key: string, list_id: string}|WP_Error
	 */
	public function resolve( array $input ) {
		$url = array_key_exists( 'sidecarUrl', $input ) ? trim( (string) $input['sidecarUrl'] ) : $this->settings->sidecar_url();
		$url = untrailingslashit( $url );
		if ( '' === $url ) {
			return self::field_error( 'sidecarUrl', __( 'Enter the address of the sync service, for example http://127.0.0.1:8787.', 'wc-klaviyo-sync' ) );
		}
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || ! in_array( strtolower( (string) ( $parts['scheme'] ?? '' ) ), array( 'http', 'https' ), true ) || empty( $parts['host'] ) || isset( $parts['user'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) || false === filter_var( $url, FILTER_VALIDATE_URL ) ) {
			return self::field_error( 'sidecarUrl', __( 'The sync service address must be an http:// or https:// address, like http://127.0.0.1:8787.', 'wc-klaviyo-sync' ) );
		}
		$token = isset( $input['adminToken'] ) ? trim( (string) $input['adminToken'] ) : '';
		$token = '' === $token ? $this->settings->admin_token() : $token;
		if ( '' === $token ) {
			return self::field_error( 'adminToken', __( 'Enter the sidecar admin token.', 'wc-klaviyo-sync' ) );
		}
		if ( strlen( $token ) > 512 || 1 !== preg_match( '/^[\x21-\x7e]+$/', $token ) ) {
			return self::field_error( 'adminToken', __( 'The admin token contains characters that are not allowed.', 'wc-klaviyo-sync' ) );
		}
		$key = isset( $input['klaviyoPrivateKey'] ) ? trim( (string) $input['klaviyoPrivateKey'] ) : '';
		$key = '' === $key ? $this->settings->klaviyo_key() : $key;
		if ( '' === $key ) {
			return self::field_error( 'klaviyoPrivateKey', __( 'Enter your Klaviyo private API key (it starts with pk_).', 'wc-klaviyo-sync' ) );
		}
		if ( 1 !== preg_match( '/^pk_[A-Za-z0-9_]+$/', $key ) || strlen( $key ) > 200 ) {
			return self::field_error( 'klaviyoPrivateKey', __( 'A Klaviyo private API key starts with pk_ followed by letters and digits. Public keys (6 characters) cannot be used.', 'wc-klaviyo-sync' ) );
		}
		$list = array_key_exists( 'listId', $input ) ? trim( (string) $input['listId'] ) : $this->settings->list_id();
		if ( '' !== $list && ( 1 !== preg_match( '/^[A-Za-z0-9]+$/', $list ) || strlen( $list ) > 64 ) ) {
			return self::field_error( 'listId', __( 'The list id is made of letters and digits only.', 'wc-klaviyo-sync' ) );
		}
		return array(
			'sidecar_url' => $url,
			'admin_token' => $token,
			'klaviyo_key' => $key,
			'list_id'     => $list,
		);
	}

	/**
	 * Validates, pushes the store to the sidecar, saves, and creates or updates the webhooks.
	 *
	 * @param array<string, mixed> $input   Input as for resolve().
	 * @param int                  $user_id Preferred webhook owner (the saving administrator).
	 * @return array{key: array<string, mixed>, pings: list<array{topic: string, ok: bool, message: string|null}>}|WP_Error
	 */
	public function connect( array $input, int $user_id ) {
		$resolved = $this->resolve( $input );
		if ( is_wp_error( $resolved ) ) {
			return $resolved;
		}
		$secret   = $this->settings->webhook_secret();
		$body     = array(
			'siteUrl'       => home_url(),
			'webhookSecret' => $secret,
			'klaviyo'       => array(
				'privateKey' => $resolved['klaviyo_key'],
				'listId'     => '' === $resolved['list_id'] ? null : $resolved['list_id'],
			),
		);
		$result   = $this->sidecar->store_request( 'PUT', '', $body, array(), $resolved['sidecar_url'], $resolved['admin_token'] );
		if ( is_wp_error( $result ) ) {
			return $this->map_sidecar_error( $result );
		}
		$key = is_array( $result['body']['key'] ?? null ) ? $result['body']['key'] : array();
		if ( 'invalid' === ( $key['status'] ?? '' ) ) {
			return new WP_Error(
				'wck_klaviyo_key_invalid',
				__( 'Klaviyo rejected this private API key. Check that it is a private key with read and write access, then save again. Nothing was changed.', 'wc-klaviyo-sync' ),
				array(
					'status' => 409,
					'field'  => 'klaviyoPrivateKey',
				)
			);
		}
		$webhook_url = isset( $result['body']['webhookUrl'] ) ? (string) $result['body']['webhookUrl'] : '';
		if ( 1 !== preg_match( '#^https?://#i', $webhook_url ) ) {
			return new WP_Error( 'wck_sidecar_bad_response', __( 'The sync service did not return a webhook address. Check that the address points at the sidecar.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		$this->settings->save( $resolved['sidecar_url'], $resolved['admin_token'], $resolved['klaviyo_key'], $resolved['list_id'], $webhook_url );
		$pings = $this->registrar->ensure( $webhook_url, $secret, $user_id );
		return array(
			'key'   => array(
				'status' => (string) ( $key['status'] ?? 'unverified' ),
				'last4'  => substr( $resolved['klaviyo_key'], -4 ),
				'detail' => isset( $key['detail'] ) && is_string( $key['detail'] ) ? $key['detail'] : null,
			),
			'pings' => $pings,
		);
	}

	/**
	 * The connection test: whether the sidecar is reachable and accepts the admin token, and what Klaviyo says
	 * of the key. Input as for resolve(), falling back to the saved values; nothing is saved.
	 *
	 * @param array<string, mixed> $input Input as for resolve().
	 * @return array{sidecar: array{ok: bool, message: string}, klaviyo: array<string, mixed>}
	 */
	public function test_connection( array $input ): array {
		$out      = array(
			'sidecar' => array(
				'ok'      => false,
				'message' => '',
			),
			'klaviyo' => array(
				'ok'      => false,
				'status'  => 'unchecked',
				'message' => __( 'Not checked: the sync service must be reachable first.', 'wc-klaviyo-sync' ),
			),
		);
		$resolved = $this->resolve( $input );
		if ( is_wp_error( $resolved ) ) {
			$data = $resolved->get_error_data();
			if ( ! is_array( $data ) || 'klaviyoPrivateKey' !== ( $data['field'] ?? '' ) ) {
				$out['sidecar']['message'] = $resolved->get_error_message();
				return $out;
			}
			$given                     = isset( $input['klaviyoPrivateKey'] ) && '' !== trim( (string) $input['klaviyoPrivateKey'] );
			$out['klaviyo']['status']  = $given ? 'invalid' : 'unchecked';
			$out['klaviyo']['message'] = $resolved->get_error_message();
			$out['sidecar']            = $this->check_sidecar( $input );
			return $out;
		}
		$verify = $this->sidecar->request( 'POST', '/v1/klaviyo/verify-key', array( 'privateKey' => $resolved['klaviyo_key'] ), array(), $resolved['sidecar_url'], $resolved['admin_token'] );
		if ( is_wp_error( $verify ) ) {
			$out['sidecar']['message'] = $verify->get_error_message();
			return $out;
		}
		$out['sidecar'] = self::sidecar_ok();
		$status         = (string) ( $verify['body']['status'] ?? 'unverified' );
		$messages       = array(
			'valid'      => __( 'Klaviyo accepted the private API key.', 'wc-klaviyo-sync' ),
			'invalid'    => __( 'Klaviyo rejected the private API key.', 'wc-klaviyo-sync' ),
			'unverified' => __( 'Klaviyo could not be reached to check the key; the sync service will keep trying.', 'wc-klaviyo-sync' ),
		);
		$out['klaviyo'] = array(
			'ok'      => 'valid' === $status,
			'status'  => $status,
			'message' => $messages[ $status ] ?? $messages['unverified'],
		);
		if ( isset( $verify['body']['account']['name'] ) && is_string( $verify['body']['account']['name'] ) ) {
			$out['klaviyo']['account'] = $verify['body']['account']['name'];
		}
		return $out;
	}

	/**
	 * The sidecar part of the connection test when the key is malformed: the sidecar and its admin token are
	 * checked with the key left out (GET the store's status; only an unreachable sidecar or a refused token fail).
	 *
	 * @param array<string, mixed> $input Input as for resolve().
	 * @return array{ok: bool, message: string}
	 */
	private function check_sidecar( array $input ): array {
		$resolved = $this->resolve( array_merge( $input, array( 'klaviyoPrivateKey' => 'pk_placeholder' ) ) );
		if ( is_wp_error( $resolved ) ) {
			return array(
				'ok'      => false,
				'message' => '',
			);
		}
		$check = $this->sidecar->store_request( 'GET', '/status', null, array(), $resolved['sidecar_url'], $resolved['admin_token'] );
		if ( is_wp_error( $check ) && in_array( $check->get_error_code(), array( 'wck_sidecar_unreachable', 'wck_sidecar_auth' ), true ) ) {
			return array(
				'ok'      => false,
				'message' => $check->get_error_message(),
			);
		}
		return self::sidecar_ok();
	}

	/**
	 * The connection test's answer for a sidecar that is reachable and accepts the admin token.
	 *
	 * @return array{ok: bool, message: string}
	 */
	private static function sidecar_ok(): array {
		return array(
			'ok'      => true,
			'message' => __( 'The sync service is reachable and accepts the admin token.', 'wc-klaviyo-sync' ),
		);
	}

	/**
	 * Turns sidecar errors on save into field errors where a field is to blame.
	 *
	 * @param WP_Error $error Sidecar error.
	 */
	private function map_sidecar_error( WP_Error $error ): WP_Error {
		if ( 'wck_sidecar_auth' === $error->get_error_code() ) {
			return self::field_error( 'adminToken', $error->get_error_message() );
		}
		$data = $error->get_error_data();
		if ( 'wck_sidecar_invalid_request' === $error->get_error_code() && is_array( $data ) && isset( $data['details'][0]['field'] ) ) {
			$map   = array(
				'klaviyo.privateKey' => 'klaviyoPrivateKey',
				'klaviyo.listId'     => 'listId',
			);
			$field = (string) $data['details'][0]['field'];
			return self::field_error( $map[ $field ] ?? $field, (string) ( $data['details'][0]['message'] ?? $error->get_error_message() ) );
		}
		return $error;
	}

	/**
	 * On activation: pushes the saved configuration again and repairs the webhooks; when the sidecar cannot
	 * be reached, resumes (or recreates) the webhooks with the delivery URL saved last time.
	 *
	 * @param int $user_id Preferred webhook owner.
	 */
	public function reconnect( int $user_id ): void {
		$result = $this->connect( array(), $user_id );
		if ( ! is_wp_error( $result ) ) {
			return;
		}
		if ( '' !== $this->settings->webhook_url() ) {
			$this->registrar->ensure( $this->settings->webhook_url(), $this->settings->webhook_secret(), $user_id );
			return;
		}
		$this->registrar->set_all_status( 'active' );
	}
}
