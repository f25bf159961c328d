<?php
/**
 * The one bootstrap: wires every service to WordPress.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

use WcKlaviyoSync\Admin\AdminPages;
use WcKlaviyoSync\Admin\ConsentScreens;
use WcKlaviyoSync\Admin\Notices;
use WcKlaviyoSync\Admin\OrderBox;
use WcKlaviyoSync\Alerts\AlertMonitor;
use WcKlaviyoSync\Alerts\AlertNotices;
use WcKlaviyoSync\BackInStock\BackInStockForm;
use WcKlaviyoSync\BackInStock\BackInStockRoute;
use WcKlaviyoSync\BackInStock\BackInStockSender;
use WcKlaviyoSync\Cart\CartCapture;
use WcKlaviyoSync\Cart\CartRestore;
use WcKlaviyoSync\Cart\CartSender;
use WcKlaviyoSync\Consent\AccountConsent;
use WcKlaviyoSync\Consent\CheckoutConsent;
use WcKlaviyoSync\Consent\ConsentSettings;
use WcKlaviyoSync\Admin\CustomerTags;
use WcKlaviyoSync\Admin\CustomersReport;
use WcKlaviyoSync\Flows\FlowActionRoute;
use WcKlaviyoSync\Flows\FlowActions;
use WcKlaviyoSync\History\GapCheckTrigger;
use WcKlaviyoSync\History\HistoryPages;
use WcKlaviyoSync\History\HistoryRoute;
use WcKlaviyoSync\Machine\SignedRequest;
use WcKlaviyoSync\Privacy\PersonalData;
use WcKlaviyoSync\Rest\AlertsController;
use WcKlaviyoSync\Rest\FlowWebhooksController;
use WcKlaviyoSync\Rest\HistoryController;
use WcKlaviyoSync\Rest\SourcesController;
use WcKlaviyoSync\Rest\ConsentController;
use WcKlaviyoSync\Rest\DeliveriesController;
use WcKlaviyoSync\Rest\ListsController;
use WcKlaviyoSync\Rest\OrdersController;
use WcKlaviyoSync\Rest\Routes;
use WcKlaviyoSync\Rest\SettingsController;
use WcKlaviyoSync\Rest\StatusController;
use WcKlaviyoSync\Rest\StoreProxy;
use WcKlaviyoSync\Rest\WebhooksController;

defined( 'ABSPATH' ) || exit;

/**
 * Creates the services once and registers their hooks. Nothing that needs WooCommerce is registered
 * unless WooCommerce is loaded.
 */
final class Plugin {

	/**
	 * The single instance.
	 *
	 * @var Plugin|null
	 */
	private static ?Plugin $instance = null;

	/**
	 * Stored settings and secrets.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * HTTP client for the sidecar.
	 *
	 * @var SidecarClient
	 */
	private SidecarClient $sidecar;

	/**
	 * WooCommerce webhook management.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Save flow: sidecar store + webhooks.
	 *
	 * @var Connector
	 */
	private Connector $connector;

	/**
	 * One-time exchange of a saved admin token for the store credential.
	 *
	 * @var CredentialMigration
	 */
	private CredentialMigration $migration;

	/**
	 * Proxy to the sidecar for the saved store.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Asks the sidecar for a gap check when a webhook of ours is re-enabled (null until the services are registered).
	 *
	 * @var GapCheckTrigger|null
	 */
	private ?GapCheckTrigger $gap_trigger = null;

	/**
	 * Polls the sidecar's status into alerts.
	 *
	 * @var AlertMonitor
	 */
	private AlertMonitor $alerts;

	/**
	 * Private constructor: use instance().
	 */
	private function __construct() {
		$this->settings  = new Settings( new Crypto() );
		$this->sidecar   = new SidecarClient( $this->settings );
		$this->registrar = new WebhookRegistrar( new WebhookOwnership() );
		$this->connector = new Connector( $this->settings, $this->sidecar, $this->registrar );
		$this->migration = new CredentialMigration( $this->settings, $this->connector );
		$this->proxy     = new StoreProxy( $this->settings, $this->sidecar );
		$this->alerts    = new AlertMonitor( $this->settings, $this->proxy, $this->registrar );
	}

	/**
	 * The plugin instance.
	 */
	public static function instance(): Plugin {
		if ( null === self::$instance ) {
			self::$instance = new self();
		}
		return self::$instance;
	}

	/**
	 * Registers the hooks. Called once from the main plugin file.
	 */
	public function boot(): void {
		add_action( 'before_woocommerce_init', array( $this, 'declare_compatibility' ) );
		add_action( 'plugins_loaded', array( $this, 'register_services' ), 20 );
		add_action( 'init', array( $this, 'load_textdomain' ) );
	}

	/**
	 * Declares HPOS and Cart/Checkout blocks compatibility. Must run inside before_woocommerce_init.
	 */
	public function declare_compatibility(): void {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', WC_KLAVIYO_SYNC_FILE, true );
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', WC_KLAVIYO_SYNC_FILE, true );
		}
	}

	/**
	 * Loads translations.
	 */
	public function load_textdomain(): void {
		load_plugin_textdomain( 'wc-klaviyo-sync', false, dirname( plugin_basename( WC_KLAVIYO_SYNC_FILE ) ) . '/languages' );
	}

	/**
	 * Whether WooCommerce is loaded.
	 */
	public static function woocommerce_active(): bool {
		return class_exists( 'WooCommerce' ) && class_exists( 'WC_Webhook' ) && function_exists( 'wc_get_webhook' );
	}

	/**
	 * Registers everything else, once every plugin is loaded.
	 */
	public function register_services(): void {
		$notices = new Notices();
		if ( ! self::woocommerce_active() ) {
			add_action( 'admin_notices', array( $notices, 'render_missing_woocommerce' ) );
			return;
		}
		( new UrlSafety( $this->settings ) )->register();
		$this->migration->register();
		$this->registrar->register();
		( new CheckoutConsent( new ConsentSettings() ) )->register();
		( new AccountConsent( new ConsentSettings() ) )->register();
		( new AdminPages() )->register();
		( new ConsentScreens() )->register();
		$this->alerts->register();
		( new AlertNotices( $this->alerts ) )->register();
		( new OrderBox( new OrdersController( $this->proxy ) ) )->register();
		( new PersonalData( $this->proxy ) )->register();
		$this->routes()->register();
		( new FlowActionRoute( $this->settings, new FlowActions() ) )->register();
		( new HistoryRoute( new SignedRequest( $this->settings ), new HistoryPages( new WebhookOwnership() ) ) )->register();
		$this->gap_trigger = new GapCheckTrigger( new WebhookOwnership(), $this->proxy );
		$this->gap_trigger->register();
		( new CustomerTags() )->register();
		( new CustomersReport() )->register();
		$carts = new CartSender( $this->settings );
		$carts->register();
		( new CartCapture( $this->settings, $carts ) )->register();
		( new CartRestore() )->register();
		$back_in_stock = new BackInStockSender( $this->settings, $this->sidecar );
		$back_in_stock->register();
		$signups = new BackInStockRoute( $back_in_stock, new ConsentSettings() );
		$signups->register();
		( new BackInStockForm( array( $signups, 'sms_enabled' ) ) )->register();
	}

	/**
	 * The REST route table with its controllers.
	 */
	private function routes(): Routes {
		$proxy = $this->proxy;
		return new Routes(
			new SettingsController( $this->settings, $this->registrar, $this->connector, $this->migration ),
			new ListsController( $proxy ),
			new StatusController( $proxy, $this->registrar ),
			new DeliveriesController( $proxy ),
			new WebhooksController( $this->registrar ),
			new ConsentController( new ConsentSettings(), $proxy ),
			new OrdersController( $proxy ),
			new AlertsController( $this->alerts ),
			new FlowWebhooksController( $proxy ),
			new HistoryController( $proxy ),
			new SourcesController( $proxy, $this->connector )
		);
	}

	/**
	 * Alert monitor (for tests).
	 */
	public function alerts(): AlertMonitor {
		return $this->alerts;
	}

	/**
	 * Admin-token exchange (for tests).
	 */
	public function migration(): CredentialMigration {
		return $this->migration;
	}

	/**
	 * The gap check trigger (for tests), once the services are registered.
	 */
	public function gap_trigger(): ?GapCheckTrigger {
		return $this->gap_trigger;
	}

	/**
	 * Settings service (for tests).
	 */
	public function settings(): Settings {
		return $this->settings;
	}

	/**
	 * Activation: exchanges an admin token an older version saved; once configured, pushes the store to the sidecar again and resumes or recreates the webhooks.
	 */
	public static function activate(): void {
		if ( ! self::woocommerce_active() ) {
			return;
		}
		$plugin = self::instance();
		$plugin->migration->run( true );
		if ( ! $plugin->settings->is_configured() ) {
			return;
		}
		$plugin->connector->reconnect( get_current_user_id() );
	}

	/**
	 * Deactivation: pauses our webhooks so WooCommerce stops delivering to the sidecar.
	 */
	public static function deactivate(): void {
		AlertMonitor::unschedule();
		if ( ! self::woocommerce_active() ) {
			return;
		}
		self::instance()->registrar->set_all_status( 'paused' );
	}

	/**
	 * Uninstall (from uninstall.php, without the main plugin file): deletes our webhooks and every option of ours.
	 */
	public static function uninstall(): void {
		( new WebhookOwnership() )->remove_all();
		AlertMonitor::unschedule();
		delete_transient( CredentialMigration::RETRY_TRANSIENT );
		foreach ( array( Settings::OPTION, Settings::SECRET_OPTION, ConsentSettings::OPTION, WebhookRegistrar::DISABLED_OPTION, AlertMonitor::OPTION, AlertMonitor::EMAIL_OPTION ) as $option ) {
			delete_option( $option );
		}
		delete_metadata( 'user', 0, AlertNotices::DISMISSED_META, '', true );
	}
}
