<?php
/**
 * Stored settings.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes the option wc_klaviyo_sync_settings. The admin token and the Klaviyo key are stored
 * encrypted; only the key's last four characters are kept in clear.
 */
final class Settings {

	public const OPTION        = 'wc_klaviyo_sync_settings';
	public const SECRET_OPTION = 'wc_klaviyo_sync_webhook_secret';

	/**
	 * Secret encryption.
	 *
	 * @var Crypto
	 */
	private Crypto $crypto;

	/**
	 * Constructor.
	 *
	 * @param Crypto $crypto Secret encryption.
	 */
	public function __construct( Crypto $crypto ) {
		$this->crypto = $crypto;
	}

	/**
	 * The raw option with defaults.
	 *
	 * @return array<string, string>
	 */
	private function raw(): array {
		$stored = get_option( self::OPTION, array() );
		$stored = is_array( $stored ) ? $stored : array();
		$out    = array();
		foreach ( array( 'sidecar_url', 'admin_token', 'klaviyo_key', 'klaviyo_key_last4', 'list_id', 'store_id', 'webhook_url' ) as $k ) {
			$out[ $k ] = isset( $stored[ $k ] ) && is_scalar( $stored[ $k ] ) ? (string) $stored[ $k ] : '';
		}
		return $out;
	}

	/**
	 * The sidecar base URL without a trailing slash.
	 */
	public function sidecar_url(): string {
		return untrailingslashit( $this->raw()['sidecar_url'] );
	}

	/**
	 * The decrypted admin token ('' when unset).
	 */
	public function admin_token(): string {
		return $this->crypto->decrypt( $this->raw()['admin_token'] );
	}

	/**
	 * The decrypted Klaviyo private key ('' when unset).
	 */
	public function klaviyo_key(): string {
		return $this->crypto->decrypt( $this->raw()['klaviyo_key'] );
	}

	/**
	 * Last four characters of the Klaviyo key.
	 */
	public function klaviyo_key_last4(): string {
		return $this->raw()['klaviyo_key_last4'];
	}

	/**
	 * Klaviyo list id ('' when none).
	 */
	public function list_id(): string {
		return $this->raw()['list_id'];
	}

	/**
	 * Webhook delivery URL the sidecar gave on the last successful save.
	 */
	public function webhook_url(): string {
		return $this->raw()['webhook_url'];
	}

	/**
	 * The store id, generated once ("wp-" + 12 lowercase alphanumerics) and never changed.
	 */
	public function store_id(): string {
		$raw = $this->raw();
		if ( '' !== $raw['store_id'] ) {
			return $raw['store_id'];
		}
		$id              = 'wp-' . strtolower( wp_generate_password( 12, false, false ) );
		$raw['store_id'] = $id;
		update_option( self::OPTION, $raw, false );
		return $id;
	}

	/**
	 * The webhook secret: 48 alphanumerics, generated once.
	 */
	public function webhook_secret(): string {
		$secret = get_option( self::SECRET_OPTION, '' );
		if ( is_string( $secret ) && 1 === preg_match( '/^[A-Za-z0-9]{48}$/', $secret ) ) {
			return $secret;
		}
		$secret = wp_generate_password( 48, false, false );
		update_option( self::SECRET_OPTION, $secret, false );
		return $secret;
	}

	/**
	 * Whether everything needed to talk to the sidecar is saved.
	 */
	public function is_configured(): bool {
		return '' !== $this->sidecar_url() && '' !== $this->admin_token() && '' !== $this->klaviyo_key();
	}

	/**
	 * Saves settings; secrets are encrypted here.
	 *
	 * @param string $sidecar_url  Sidecar base URL.
	 * @param string $admin_token  Admin token (clear).
	 * @param string $klaviyo_key  Klaviyo private key (clear).
	 * @param string $list_id      List id or ''.
	 * @param string $webhook_url  Delivery URL from the sidecar.
	 */
	public function save( string $sidecar_url, string $admin_token, string $klaviyo_key, string $list_id, string $webhook_url ): void {
		$raw                      = $this->raw();
		$raw['store_id']          = $this->store_id();
		$raw['sidecar_url']       = untrailingslashit( $sidecar_url );
		$raw['admin_token']       = $this->crypto->encrypt( $admin_token );
		$raw['klaviyo_key']       = $this->crypto->encrypt( $klaviyo_key );
		$raw['klaviyo_key_last4'] = substr( $klaviyo_key, -4 );
		$raw['list_id']           = $list_id;
		$raw['webhook_url']       = $webhook_url;
		update_option( self::OPTION, $raw, false );
	}

	/**
	 * The non-secret view returned to the browser.
	 *
	 * @return array<string, mixed>
	 */
	public function public_view(): array {
		return array(
			'sidecarUrl'      => $this->sidecar_url(),
			'hasAdminToken'   => '' !== $this->admin_token(),
			'klaviyoKeyLast4' => $this->klaviyo_key_last4(),
			'listId'          => $this->list_id(),
			'storeId'         => $this->store_id(),
			'configured'      => $this->is_configured(),
		);
	}
}
