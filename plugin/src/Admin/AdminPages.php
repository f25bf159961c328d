<?php
/**
 * The two admin pages under the WooCommerce menu.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Admin;

use WcKlaviyoSync\Rest\Routes;

defined( 'ABSPATH' ) || exit;

/**
 * Registers "Klaviyo" (settings) and "Klaviyo Sync Log", renders their mount points and enqueues the
 * admin-ui build from its *.asset.php. A missing build gives a notice, never a fatal error.
 */
final class AdminPages {

	public const SETTINGS_SLUG = 'wc-klaviyo-sync';
	public const LOG_SLUG      = 'wc-klaviyo-sync-log';

	/**
	 * Hook suffix => [script name, mount id].
	 *
	 * @var array<string, array{0: string, 1: string}>
	 */
	private array $pages = array();

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_pages' ), 60 );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
	}

	/**
	 * Adds the submenu pages.
	 */
	public function add_pages(): void {
		$settings = add_submenu_page(
			'woocommerce',
			__( 'Klaviyo', 'wc-klaviyo-sync' ),
			__( 'Klaviyo', 'wc-klaviyo-sync' ),
			'manage_woocommerce',
			self::SETTINGS_SLUG,
			array( $this, 'render_settings' )
		);
		$log      = add_submenu_page(
			'woocommerce',
			__( 'Klaviyo Sync Log', 'wc-klaviyo-sync' ),
			__( 'Klaviyo Sync Log', 'wc-klaviyo-sync' ),
			'manage_woocommerce',
			self::LOG_SLUG,
			array( $this, 'render_log' )
		);
		if ( is_string( $settings ) ) {
			$this->pages[ $settings ] = array( 'settings', 'wc-klaviyo-sync-settings' );
		}
		if ( is_string( $log ) ) {
			$this->pages[ $log ] = array( 'sync-log', 'wc-klaviyo-sync-log' );
		}
	}

	/**
	 * Path of a build file.
	 *
	 * @param string $file File name inside build/.
	 */
	public static function build_path( string $file ): string {
		return plugin_dir_path( WC_KLAVIYO_SYNC_FILE ) . 'build/' . $file;
	}

	/**
	 * Whether a script's build exists.
	 *
	 * @param string $name settings|sync-log.
	 */
	public static function is_built( string $name ): bool {
		return is_readable( self::build_path( $name . '.js' ) ) && is_readable( self::build_path( $name . '.asset.php' ) );
	}

	/**
	 * Enqueues the page's script, its translations and the components style.
	 *
	 * @param string $hook_suffix Current admin page.
	 */
	public function enqueue( $hook_suffix ): void {
		if ( ! is_string( $hook_suffix ) || ! isset( $this->pages[ $hook_suffix ] ) ) {
			return;
		}
		self::enqueue_build( $this->pages[ $hook_suffix ][0] );
	}

	/**
	 * Enqueues one script of the admin-ui build (footer), its bootstrap data, translations and styles. Also
	 * called while a screen renders (the consent status box), which still lands in the footer.
	 *
	 * @param string $name settings|sync-log|consent-status.
	 */
	public static function enqueue_build( string $name ): void {
		wp_enqueue_style( 'wp-components' );
		if ( ! self::is_built( $name ) ) {
			return;
		}
		$handle = 'wc-klaviyo-sync-' . $name;
		if ( wp_script_is( $handle, 'enqueued' ) ) {
			return;
		}
		$asset = require self::build_path( $name . '.asset.php' );
		$asset = is_array( $asset ) ? $asset : array();
		wp_enqueue_script(
			$handle,
			plugins_url( 'build/' . $name . '.js', WC_KLAVIYO_SYNC_FILE ),
			isset( $asset['dependencies'] ) && is_array( $asset['dependencies'] ) ? $asset['dependencies'] : array(),
			isset( $asset['version'] ) ? (string) $asset['version'] : WC_KLAVIYO_SYNC_VERSION,
			true
		);
		wp_add_inline_script(
			$handle,
			'window.wcKlaviyoSync = ' . wp_json_encode(
				array(
					'restNamespace' => Routes::NAMESPACE,
					'restRoot'      => esc_url_raw( rest_url( Routes::NAMESPACE ) ),
					'settingsUrl'   => esc_url_raw( admin_url( 'admin.php?page=' . self::SETTINGS_SLUG ) ),
					'syncLogUrl'    => esc_url_raw( admin_url( 'admin.php?page=' . self::LOG_SLUG ) ),
					'version'       => WC_KLAVIYO_SYNC_VERSION,
				)
			) . ';',
			'before'
		);
		wp_set_script_translations( $handle, 'wc-klaviyo-sync', plugin_dir_path( WC_KLAVIYO_SYNC_FILE ) . 'languages' );
		foreach ( array( $name . '.css', 'style-' . $name . '.css' ) as $css ) {
			if ( is_readable( self::build_path( $css ) ) ) {
				wp_enqueue_style( $handle . '-' . sanitize_key( $css ), plugins_url( 'build/' . $css, WC_KLAVIYO_SYNC_FILE ), array( 'wp-components' ), isset( $asset['version'] ) ? (string) $asset['version'] : WC_KLAVIYO_SYNC_VERSION );
			}
		}
	}

	/**
	 * Renders the settings page.
	 */
	public function render_settings(): void {
		$this->render( __( 'Klaviyo', 'wc-klaviyo-sync' ), 'settings', 'wc-klaviyo-sync-settings' );
	}

	/**
	 * Renders the sync log page.
	 */
	public function render_log(): void {
		$this->render( __( 'Klaviyo Sync Log', 'wc-klaviyo-sync' ), 'sync-log', 'wc-klaviyo-sync-log' );
	}

	/**
	 * Page wrapper with the mount point, or a notice when the admin interface is not built.
	 *
	 * @param string $title Page title.
	 * @param string $name  Script name.
	 * @param string $mount Mount element id.
	 */
	private function render( string $title, string $name, string $mount ): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'wc-klaviyo-sync' ) );
		}
		echo '<div class="wrap"><h1>' . esc_html( $title ) . '</h1>';
		if ( ! self::is_built( $name ) ) {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'The Klaviyo Sync admin interface is missing from this installation (plugin/build is empty). Install the plugin from its release zip, or run "npm run build" in a development checkout.', 'wc-klaviyo-sync' ) . '</p></div>';
		}
		echo '<div id="' . esc_attr( $mount ) . '"></div></div>';
	}
}
