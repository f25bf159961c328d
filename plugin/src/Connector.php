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
 * Validates settings input, connects the site (redeems a pasted connection code at the sidecar it names, or
 * exchanges an admin token pasted once for the store's credential, keeping only the credential), saves the store
 * on the sidecar with that credential (PUT /v1/stores/{storeId}), stores the settings and creates or updates the
 * webhooks. A refused code or token, or an invalid Klaviyo key, loses nothing already configured. The connection
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
	 * Validates a sidecar address.
	 *
	 * @param string $url Address as typed.
	 * @return string|WP_Error The address without a trailing slash.
	 */
	private static function valid_url( string $url ) {
		$url = untrailingslashit( trim( $url ) );
		if ( '' === $url ) {
			return self::field_error( 'sidecarUrl', __( 'Enter the address of the sync service, for example http://127.0.0.1:8787.', 'wc-klaviyo-sync' ) );
		}
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || ! in_array( strtolower( (string) ( $parts['scheme'] ?? '' ) ), array( 'http', 'https' ), true ) || empty( $parts['host'] ) || isset( $parts['user'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) || false === filter_var( $url, FILTER_VALIDATE_URL ) ) {
			return self::field_error( 'sidecarUrl', __( 'The sync service address must be an http:// or https:// address, like http://127.0.0.1:8787.', 'wc-klaviyo-sync' ) );
		}
		return $url;
	}

	/**
	 * The plain-words message for a connection code the sidecar refused (by its error code), or for one that is
	 * not a code at all.
	 *
	 * @param string $code Sidecar error code (connect_code_…).
	 */
	public static function code_message( string $code ): string {
		switch ( $code ) {
			case 'connect_code_other_sidecar':
				return __( 'This connection code was made by a different sync service than the one at its address now (it was reinstalled or its admin token changed). Ask the operator of the sync service for a new code. Nothing was changed.', 'wc-klaviyo-sync' );
			case 'connect_code_unknown':
				return __( 'The sync service does not know this connection code (it was mistyped, or expired long ago). Ask for a new code. Nothing was changed.', 'wc-klaviyo-sync' );
			case 'connect_code_used':
				return __( 'This connection code was already used: each code connects once. Ask for a new code. Nothing was changed.', 'wc-klaviyo-sync' );
			case 'connect_code_expired':
				return __( 'This connection code has expired. Ask for a new one and paste it within its time. Nothing was changed.', 'wc-klaviyo-sync' );
			case 'connect_code_store_removed':
				return __( 'The store this connection code was made for was removed from the sync service. Ask for a code for a current store. Nothing was changed.', 'wc-klaviyo-sync' );
			default:
				return __( 'This is not a connection code. Copy the whole code from the sync service (it starts with wckc_) and paste it again. Nothing was changed.', 'wc-klaviyo-sync' );
		}
	}

	/**
	 * Reads a pasted connection code: base64url JSON after "wckc_" with the sidecar's address (u) and the store
	 * id (s). Only the sidecar can tell whether it is still good.
	 *
	 * @param string $code Pasted code.
	 * @return array{code: string, sidecar_url: string, store_id: string}|WP_Error
	 */
	public static function parse_code( string $code ) {
		$code      = trim( $code );
		$malformed = self::field_error( 'connectionCode', self::code_message( 'connect_code_malformed' ) );
		if ( 0 !== strpos( $code, 'wckc_' ) || strlen( $code ) > 2048 || 1 !== preg_match( '/^[A-Za-z0-9_-]+$/', substr( $code, 5 ) ) ) {
			return $malformed;
		}
		$b64   = strtr( substr( $code, 5 ), '-_', '+/' );
		$json  = base64_decode( $b64 . str_repeat( '=', ( 4 - strlen( $b64 ) % 4 ) % 4 ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- the code is base64url JSON.
		$claim = is_string( $json ) ? json_decode( $json, true ) : null;
		if ( ! is_array( $claim ) || ! is_string( $claim['u'] ?? null ) || ! is_string( $claim['s'] ?? null ) || 1 !== preg_match( '/^[a-z0-9][a-z0-9_-]{2,63}$/', $claim['s'] ) ) {
			return $malformed;
		}
		$url = self::valid_url( $claim['u'] );
		if ( is_wp_error( $url ) ) {
			return $malformed;
		}
		return array(
			'code'        => $code,
			'sidecar_url' => $url,
			'store_id'    => $claim['s'],
		);
	}

	/**
	 * Validates the store's fields (Klaviyo key, list), merged with the saved values.
	 *
	 * @param array<string, mixed> $input { klaviyoPrivateKey?, listId? }.
	 * @return array{klaviyo_key: string, list_id: string}|WP_Error
	 */
	private function resolve_store( array $input ) {
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
			'klaviyo_key' => $key,
			'list_id'     => $list,
		);
	}

	/**
	 * How the input reaches the sidecar, without calling it: a pasted connection code, an admin token pasted
	 * once (with the sidecar's address), or the saved connection (its address may be changed).
	 *
	 * @param array<string, mixed> $input { connectionCode?, sidecarUrl?, adminToken? }.
	 * @return array{mode: string, sidecar_url: string, token: string, code?: array{code: string, sidecar_url: string, store_id: string}}|WP_Error
	 */
	public function resolve_connection( array $input ) {
		$code = isset( $input['connectionCode'] ) ? trim( (string) $input['connectionCode'] ) : '';
		if ( '' !== $code ) {
			$parsed = self::parse_code( $code );
			if ( is_wp_error( $parsed ) ) {
				return $parsed;
			}
			return array(
				'mode'        => 'code',
				'sidecar_url' => $parsed['sidecar_url'],
				'token'       => '',
				'code'        => $parsed,
			);
		}
		$url = self::valid_url( array_key_exists( 'sidecarUrl', $input ) ? (string) $input['sidecarUrl'] : $this->settings->sidecar_url() );
		$token = isset( $input['adminToken'] ) ? trim( (string) $input['adminToken'] ) : '';
		if ( '' !== $token ) {
			if ( is_wp_error( $url ) ) {
				return $url;
			}
			if ( strlen( $token ) > 512 || 1 !== preg_match( '/^[\x21-\x7e]+$/', $token ) ) {
				return self::field_error( 'adminToken', __( 'The admin token contains characters that are not allowed.', 'wc-klaviyo-sync' ) );
			}
			return array(
				'mode'        => 'admin',
				'sidecar_url' => $url,
				'token'       => $token,
			);
		}
		$saved = $this->settings->sidecar_token();
		if ( '' === $saved ) {
			return self::field_error( 'connectionCode', __( 'Paste the connection code you got from the sync service (it starts with wckc_).', 'wc-klaviyo-sync' ) );
		}
		if ( is_wp_error( $url ) ) {
			return $url;
		}
		return array(
			'mode'        => '' !== $this->settings->credential() ? 'saved' : 'legacy',
			'sidecar_url' => $url,
			'token'       => $saved,
		);
	}

	/**
	 * Redeems a connection code at the sidecar it names (POST /v1/connect) and saves the connection: address,
	 * store id and credential. A refused code changes nothing.
	 *
	 * @param array{code: string, sidecar_url: string, store_id: string} $code Parsed code.
	 * @return true|WP_Error
	 */
	public function redeem( array $code ) {
		$result = $this->sidecar->request( 'POST', '/v1/connect', array( 'code' => $code['code'] ), array(), $code['sidecar_url'], '' );
		if ( is_wp_error( $result ) ) {
			$sidecar_code = substr( (string) $result->get_error_code(), strlen( 'wck_sidecar_' ) );
			if ( 0 === strpos( $sidecar_code, 'connect_code_' ) || 'invalid_request' === $sidecar_code ) {
				$data = $result->get_error_data();
				return new WP_Error(
					'wck_' . $sidecar_code,
					self::code_message( $sidecar_code ),
					array(
						'status' => is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 400,
						'field'  => 'connectionCode',
					)
				);
			}
			return $result;
		}
		$credential = (string) ( $result['body']['credential'] ?? '' );
		$store_id   = (string) ( $result['body']['storeId'] ?? '' );
		$url        = self::valid_url( (string) ( $result['body']['sidecarUrl'] ?? $code['sidecar_url'] ) );
		if ( 0 !== strpos( $credential, 'wcks_' ) || $store_id !== $code['store_id'] ) {
			return new WP_Error( 'wck_sidecar_bad_response', __( 'The sync service did not answer with a store credential. Check that the code comes from the sidecar.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		$this->settings->save_connection( is_wp_error( $url ) ? $code['sidecar_url'] : $url, $store_id, $credential );
		return true;
	}

	/**
	 * Exchanges the sidecar's admin token for this store's credential (POST /v1/stores/{storeId}/credential
	 * with the admin token) and saves the connection. The admin token is not kept.
	 *
	 * @param string $url     Sidecar address.
	 * @param string $token   Admin token.
	 * @param int    $timeout Seconds.
	 * @return true|WP_Error
	 */
	public function exchange_admin_token( string $url, string $token, int $timeout = 15 ) {
		$result = $this->sidecar->store_request( 'POST', '/credential', array(), array(), $url, $token, $timeout );
		if ( is_wp_error( $result ) ) {
			if ( 'wck_sidecar_auth' === $result->get_error_code() ) {
				return self::field_error( 'adminToken', __( 'The sync service refused the admin token. Enter the admin token the sidecar printed on its first start, or paste a connection code instead.', 'wc-klaviyo-sync' ) );
			}
			return $result;
		}
		$credential = (string) ( $result['body']['credential'] ?? '' );
		if ( 0 !== strpos( $credential, 'wcks_' ) ) {
			return new WP_Error( 'wck_sidecar_bad_response', __( 'The sync service did not answer with a store credential. Check that the address points at the sidecar.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		$this->settings->save_connection( $url, $this->settings->store_id(), $credential );
		return true;
	}

	/**
	 * Rotates the store credential (POST /v1/stores/{storeId}/credential with the current one): the old one
	 * stops working at once, the new one is sealed and saved.
	 *
	 * @return true|WP_Error
	 */
	public function rotate() {
		if ( '' === $this->settings->credential() ) {
			return new WP_Error( 'wck_not_connected', __( 'This site is not connected to the sync service yet: paste a connection code first.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
		}
		$result = $this->sidecar->store_request( 'POST', '/credential', array() );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$credential = (string) ( $result['body']['credential'] ?? '' );
		if ( 0 !== strpos( $credential, 'wcks_' ) ) {
			return new WP_Error( 'wck_sidecar_bad_response', __( 'The sync service did not answer with a store credential.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		$this->settings->save_connection( $this->settings->sidecar_url(), $this->settings->store_id(), $credential );
		return true;
	}

	/**
	 * Validates, connects (redeems the code, or exchanges the admin token, once), pushes the store to the
	 * sidecar with the store credential, saves, and creates or updates the webhooks.
	 *
	 * @param array<string, mixed> $input   { connectionCode?, sidecarUrl?, adminToken?, klaviyoPrivateKey?, listId? }.
	 * @param int                  $user_id Preferred webhook owner (the saving administrator).
	 * @return array{key: array<string, mixed>, pings: list<array{topic: string, ok: bool, message: string|null}>}|WP_Error
	 */
	public function connect( array $input, int $user_id ) {
		$connection = $this->resolve_connection( $input );
		if ( is_wp_error( $connection ) ) {
			return $connection;
		}
		$store = $this->resolve_store( $input );
		if ( is_wp_error( $store ) ) {
			return $store;
		}
		if ( 'code' === $connection['mode'] ) {
			$done = $this->redeem( $connection['code'] );
		} elseif ( 'admin' === $connection['mode'] ) {
			$done = $this->exchange_admin_token( $connection['sidecar_url'], $connection['token'] );
		} elseif ( 'legacy' === $connection['mode'] ) {
			$done = $this->exchange_admin_token( $connection['sidecar_url'], $connection['token'] );
			if ( is_wp_error( $done ) ) {
				$this->settings->set_migration_error( $done->get_error_message() );
			}
		} else {
			$done = true;
		}
		if ( is_wp_error( $done ) ) {
			return $done;
		}
		$url      = 'saved' === $connection['mode'] ? $connection['sidecar_url'] : $this->settings->sidecar_url();
		$secret   = $this->settings->webhook_secret();
		$body     = array(
			'siteUrl'       => home_url(),
			'webhookSecret' => $secret,
			'klaviyo'       => array(
				'privateKey' => $store['klaviyo_key'],
				'listId'     => '' === $store['list_id'] ? null : $store['list_id'],
			),
		);
		$result   = $this->sidecar->store_request( 'PUT', '', $body, array(), $url, $this->settings->credential() );
		if ( is_wp_error( $result ) ) {
			return $this->map_sidecar_error( $result );
		}
		$key = is_array( $result['body']['key'] ?? null ) ? $result['body']['key'] : array();
		if ( 'invalid' === ( $key['status'] ?? '' ) ) {
			// A redeemed code or exchanged token is spent: the connection it gave is kept, only the key is not.
			$connected = in_array( $connection['mode'], array( 'code', 'admin', 'legacy' ), true );
			return new WP_Error(
				'wck_klaviyo_key_invalid',
				$connected
					? __( 'Klaviyo rejected this private API key. The store is now connected to the sync service (the code is used up; do not paste it again), but the key was not saved. Check that it is a private key with read and write access, then save again.', 'wc-klaviyo-sync' )
					: __( 'Klaviyo rejected this private API key. Check that it is a private key with read and write access, then save again. Nothing was changed.', 'wc-klaviyo-sync' ),
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
		if ( 'saved' === $connection['mode'] && $url !== $this->settings->sidecar_url() ) {
			$this->settings->save_connection( $url, $this->settings->store_id(), $this->settings->credential() );
		}
		$this->settings->save( $store['klaviyo_key'], $store['list_id'], $webhook_url );
		$pings = $this->registrar->ensure( $webhook_url, $secret, $user_id );
		return array(
			'key'   => array(
				'status' => (string) ( $key['status'] ?? 'unverified' ),
				'last4'  => substr( $store['klaviyo_key'], -4 ),
				'detail' => isset( $key['detail'] ) && is_string( $key['detail'] ) ? $key['detail'] : null,
			),
			'pings' => $pings,
		);
	}

	/**
	 * The connection test: whether the sidecar is reachable and accepts the token, and what Klaviyo says of the
	 * key. Input as for connect(), falling back to the saved values; nothing is saved and no code is spent (a
	 * pasted code is only read, and its sidecar asked whether it is up; the key is checked after connecting).
	 *
	 * @param array<string, mixed> $input Input as for connect().
	 * @return array{sidecar: array{ok: bool, message: string}, klaviyo: array<string, mixed>}
	 */
	public function test_connection( array $input ): array {
		$out        = array(
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
		$connection = $this->resolve_connection( $input );
		if ( is_wp_error( $connection ) ) {
			$out['sidecar']['message'] = $connection->get_error_message();
			return $out;
		}
		$store = $this->resolve_store( $input );
		if ( is_wp_error( $store ) ) {
			$given                     = isset( $input['klaviyoPrivateKey'] ) && '' !== trim( (string) $input['klaviyoPrivateKey'] );
			$out['klaviyo']['status']  = $given ? 'invalid' : 'unchecked';
			$out['klaviyo']['message'] = $store->get_error_message();
			$out['sidecar']            = $this->check_sidecar( $connection );
			return $out;
		}
		if ( 'code' === $connection['mode'] ) {
			$out['sidecar'] = $this->check_sidecar( $connection );
			if ( $out['sidecar']['ok'] ) {
				$out['klaviyo']['message'] = __( 'Not checked yet: the key is checked when you save, once the code has connected this site.', 'wc-klaviyo-sync' );
			}
			return $out;
		}
		$verify = 'admin' === $connection['mode']
			? $this->sidecar->request( 'POST', '/v1/klaviyo/verify-key', array( 'privateKey' => $store['klaviyo_key'] ), array(), $connection['sidecar_url'], $connection['token'] )
			: $this->sidecar->store_request( 'POST', '/klaviyo/verify-key', array( 'privateKey' => $store['klaviyo_key'] ), array(), $connection['sidecar_url'], $connection['token'] );
		if ( is_wp_error( $verify ) ) {
			$out['sidecar']['message'] = $this->auth_message( $verify, $connection['mode'] );
			return $out;
		}
		$out['sidecar'] = self::sidecar_ok( $connection['mode'] );
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
	 * The message of a failed check; a refused admin token is named as such.
	 *
	 * @param WP_Error $error Sidecar error.
	 * @param string   $mode  Connection mode.
	 */
	private function auth_message( WP_Error $error, string $mode ): string {
		if ( 'wck_sidecar_auth' === $error->get_error_code() && in_array( $mode, array( 'admin', 'legacy' ), true ) ) {
			return __( 'The sync service refused the admin token. Enter the admin token the sidecar printed on its first start, or paste a connection code instead.', 'wc-klaviyo-sync' );
		}
		return $error->get_error_message();
	}

	/**
	 * The sidecar part of the connection test without the key: GET /healthz for a pasted code (no token: the
	 * code is not spent), else the store's status with the token (only an unreachable sidecar or a refused token
	 * fail).
	 *
	 * @param array{mode: string, sidecar_url: string, token: string} $connection Resolved connection.
	 * @return array{ok: bool, message: string}
	 */
	private function check_sidecar( array $connection ): array {
		if ( 'code' === $connection['mode'] ) {
			$check = $this->sidecar->request( 'GET', '/healthz', null, array(), $connection['sidecar_url'], '' );
		} else {
			$check = $this->sidecar->store_request( 'GET', '/status', null, array(), $connection['sidecar_url'], $connection['token'] );
		}
		if ( is_wp_error( $check ) && in_array( $check->get_error_code(), array( 'wck_sidecar_unreachable', 'wck_sidecar_auth' ), true ) ) {
			return array(
				'ok'      => false,
				'message' => $this->auth_message( $check, $connection['mode'] ),
			);
		}
		return self::sidecar_ok( $connection['mode'] );
	}

	/**
	 * The connection test's answer for a sidecar that is reachable and accepts the token.
	 *
	 * @param string $mode Connection mode.
	 * @return array{ok: bool, message: string}
	 */
	private static function sidecar_ok( string $mode ): array {
		$messages = array(
			'code'  => __( 'The sync service named in the connection code is reachable. Save to connect with the code (it works once).', 'wc-klaviyo-sync' ),
			'admin' => __( 'The sync service is reachable and accepts the admin token.', 'wc-klaviyo-sync' ),
		);
		return array(
			'ok'      => true,
			'message' => $messages[ $mode ] ?? __( 'The sync service is reachable and accepts this site\'s store credential.', 'wc-klaviyo-sync' ),
		);
	}

	/**
	 * Turns sidecar errors on save into field errors where a field is to blame.
	 *
	 * @param WP_Error $error Sidecar error.
	 */
	private function map_sidecar_error( WP_Error $error ): WP_Error {
		if ( 'wck_sidecar_auth' === $error->get_error_code() ) {
			return self::field_error( 'connectionCode', $error->get_error_message() );
		}
		if ( 'wck_sidecar_site_not_pinned' === $error->get_error_code() ) {
			return new WP_Error(
				'wck_site_not_pinned',
				/* translators: %s: this site's address */
				sprintf( __( 'The sync service keeps this store connected to another site, and this site (%s) looks like a copy of it, such as a staging site. Nothing was changed. This site\'s orders are held, not sent to Klaviyo: connect this site as a store of its own, or, if the shop moved here, make this the shop\'s new address (both under "Other sites" on this page).', 'wc-klaviyo-sync' ), home_url() ),
				array( 'status' => 409 )
			);
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
