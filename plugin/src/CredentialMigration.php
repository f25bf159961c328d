<?php
/**
 * The one-time exchange of an admin token saved by an older version for the store's own credential.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

defined( 'ABSPATH' ) || exit;

/**
 * Older versions saved the sidecar's admin token. On the first admin request (a wp-admin page of a shop manager,
 * or the settings route), and on activation, that token is exchanged once for the store's credential
 * (POST /v1/stores/{storeId}/credential) and deleted. When the sidecar cannot be reached (or refuses), the token
 * stays, the reason is kept for the settings page, and the exchange is tried again on a later admin request (at
 * most once a minute); meanwhile the saved token keeps the plugin working. Never runs in a shopper's request.
 */
final class CredentialMigration {

	public const RETRY_TRANSIENT = 'wc_klaviyo_sync_credential_retry';

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Save flow (does the exchange).
	 *
	 * @var Connector
	 */
	private Connector $connector;

	/**
	 * Constructor.
	 *
	 * @param Settings  $settings  Stored settings.
	 * @param Connector $connector Save flow.
	 */
	public function __construct( Settings $settings, Connector $connector ) {
		$this->settings  = $settings;
		$this->connector = $connector;
	}

	/**
	 * Adds the hook.
	 */
	public function register(): void {
		add_action( 'admin_init', array( $this, 'on_admin_init' ) );
	}

	/**
	 * On wp-admin pages of a shop manager (not admin-ajax.php, which shoppers' pages call too).
	 */
	public function on_admin_init(): void {
		if ( wp_doing_ajax() || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$this->run();
	}

	/**
	 * Whether a saved admin token still waits to be exchanged.
	 */
	public function pending(): bool {
		return '' === $this->settings->credential() && '' !== $this->settings->legacy_admin_token();
	}

	/**
	 * Exchanges the saved admin token when one is pending and no attempt failed in the last minute (or always,
	 * with $force). Returns whether the site now holds a store credential and no admin token.
	 *
	 * @param bool $force Ignore the retry pause.
	 */
	public function run( bool $force = false ): bool {
		if ( ! $this->pending() ) {
			return '' !== $this->settings->credential();
		}
		if ( ! $force && false !== get_transient( self::RETRY_TRANSIENT ) ) {
			return false;
		}
		$url  = $this->settings->sidecar_url();
		$done = '' === $url
			? new \WP_Error( 'wck_not_configured', __( 'The sidecar address is not set.', 'wc-klaviyo-sync' ) )
			: $this->connector->exchange_admin_token( $url, $this->settings->legacy_admin_token(), 5 );
		if ( is_wp_error( $done ) ) {
			$this->settings->set_migration_error( $done->get_error_message() );
			set_transient( self::RETRY_TRANSIENT, time(), MINUTE_IN_SECONDS );
			return false;
		}
		delete_transient( self::RETRY_TRANSIENT );
		return true;
	}
}
