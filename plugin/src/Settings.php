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
 * Reads and writes the option wc_klaviyo_sync_settings. The store credential and the Klaviyo key are stored
 * encrypted; only the key's last four characters are kept in clear. The sidecar's admin token is never saved:
 * an `admin_token` left by an older version is read only to exchange it once for a store credential
 * (CredentialMigration), then deleted.
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
		foreach ( array( 'sidecar_url', 'credential', 'admin_token', 'klaviyo_key', 'klaviyo_key_last4', 'list_id', 'store_id', 'webhook_url', 'migration_error' ) as $k ) {
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
	 * The decrypted store credential (`wcks_…`, '' when unset).
	 */
	public function credential(): string {
		return $this->crypto->decrypt( $this->raw()['credential'] );
	}

	/**
	 * The admin token an older version saved ('' when none): only CredentialMigration reads it.
	 */
	public function legacy_admin_token(): string {
		return $this->crypto->decrypt( $this->raw()['admin_token'] );
	}

	/**
	 * The token every sidecar call carries: the store credential, or, until the one-time exchange succeeded,
	 * the admin token an older version saved.
	 */
	public function sidecar_token(): string {
		$credential = $this->credential();
		return '' !== $credential ? $credential : $this->legacy_admin_token();
	}

	/**
	 * Why the last exchange of a saved admin token failed ('' when none is pending or it has not failed).
	 */
	public function migration_error(): string {
		return $this->raw()['migration_error'];
	}

	/**
	 * Records why the exchange of the saved admin token failed (kept until it succeeds).
	 *
	 * @param string $message Plain-words reason.
	 */
	public function set_migration_error( string $message ): void {
		$raw                    = $this->raw();
		$raw['migration_error'] = $message;
		update_option( self::OPTION, $raw, false );
	}

	/**
	 * Saves the connection to the sidecar: its address, the store id and the store credential (sealed). Any
	 * admin token an older version saved is deleted here.
	 *
	 * @param string $sidecar_url Sidecar base URL.
	 * @param string $store_id    The store id the credential opens.
	 * @param string $credential  Store credential (clear).
	 */
	public function save_connection( string $sidecar_url, string $store_id, string $credential ): void {
		$raw                    = $this->raw();
		$raw['sidecar_url']     = untrailingslashit( $sidecar_url );
		$raw['store_id']        = $store_id;
		$raw['credential']      = $this->crypto->encrypt( $credential );
		$raw['migration_error'] = '';
		unset( $raw['admin_token'] );
		update_option( self::OPTION, $raw, false );
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
		return self::generated_secret( self::SECRET_OPTION );
	}

	/**
	 * A secret the plugin keeps in an option of its own: 48 alphanumerics, generated the first time it is asked for
	 * (and again if the option was damaged). Not autoloaded.
	 *
	 * @param string $option Option name.
	 */
	public static function generated_secret( string $option ): string {
		$secret = get_option( $option, '' );
		if ( is_string( $secret ) && 1 === preg_match( '/^[A-Za-z0-9]{48}$/', $secret ) ) {
			return $secret;
		}
		$secret = wp_generate_password( 48, false, false );
		update_option( $option, $secret, false );
		return $secret;
	}

	/**
	 * Whether everything needed to talk to the sidecar is saved.
	 */
	public function is_configured(): bool {
		return '' !== $this->sidecar_url() && '' !== $this->sidecar_token() && '' !== $this->klaviyo_key();
	}

	/**
	 * Saves the store's settings after the sidecar took them; secrets are encrypted here. The connection
	 * (address, store id, credential) is saved by save_connection().
	 *
	 * @param string $klaviyo_key  Klaviyo private key (clear).
	 * @param string $list_id      List id or ''.
	 * @param string $webhook_url  Delivery URL from the sidecar.
	 */
	public function save( string $klaviyo_key, string $list_id, string $webhook_url ): void {
		$raw                      = $this->raw();
		$raw['store_id']          = $this->store_id();
		$raw['klaviyo_key']       = $this->crypto->encrypt( $klaviyo_key );
		$raw['klaviyo_key_last4'] = substr( $klaviyo_key, -4 );
		$raw['list_id']           = $list_id;
		$raw['webhook_url']       = $webhook_url;
		unset( $raw['admin_token'] );
		update_option( self::OPTION, $raw, false );
	}

	/**
	 * The non-secret view returned to the browser: whether the site is connected and as which store, never a
	 * credential or token.
	 *
	 * @return array<string, mixed>
	 */
	public function public_view(): array {
		$pending = '' === $this->credential() && '' !== $this->legacy_admin_token();
		return array(
			'sidecarUrl'      => $this->sidecar_url(),
			'connected'       => '' !== $this->credential(),
			'migration'       => $pending ? array(
				'pending' => true,
				'error'   => '' === $this->migration_error() ? null : $this->migration_error(),
			) : null,
			'klaviyoKeyLast4' => $this->klaviyo_key_last4(),
			'listId'          => $this->list_id(),
			'storeId'         => $this->store_id(),
			'configured'      => $this->is_configured(),
		);
	}
}
