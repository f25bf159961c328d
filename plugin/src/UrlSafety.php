<?php
/**
 * Lets WordPress deliver to the configured sidecar even on a private address or an odd port.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce delivers webhooks with wp_safe_remote_request(), which refuses private addresses
 * (127/8, 10/8, 172.16/12, 192.168/16) and ports other than 80, 443 and 8080. These filters allow exactly
 * the configured sidecar's host, and its port only for that host; everything else stays refused.
 */
final class UrlSafety {

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Constructor.
	 *
	 * @param Settings $settings Stored settings.
	 */
	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Adds the filters.
	 */
	public function register(): void {
		add_filter( 'http_request_host_is_external', array( $this, 'host_is_external' ), 10, 2 );
		add_filter( 'http_allowed_safe_ports', array( $this, 'allowed_ports' ), 10, 2 );
	}

	/**
	 * Host and port of the configured sidecar, or null.
	 *
	 * @return array{host: string, port: int}|null
	 */
	private function target(): ?array {
		$url = $this->settings->sidecar_url();
		if ( '' === $url ) {
			return null;
		}
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) ) {
			return null;
		}
		$scheme = strtolower( (string) ( $parts['scheme'] ?? 'http' ) );
		return array(
			'host' => strtolower( (string) $parts['host'] ),
			'port' => isset( $parts['port'] ) ? (int) $parts['port'] : ( 'https' === $scheme ? 443 : 80 ),
		);
	}

	/**
	 * True for the configured sidecar host only.
	 *
	 * @param mixed $external Current verdict.
	 * @param mixed $host     Host being checked.
	 * @return mixed
	 */
	public function host_is_external( $external, $host ) {
		$target = $this->target();
		if ( null !== $target && is_string( $host ) && strtolower( $host ) === $target['host'] ) {
			return true;
		}
		return $external;
	}

	/**
	 * Adds the configured port, for the configured host only.
	 *
	 * @param mixed $ports Allowed ports.
	 * @param mixed $host  Host being checked.
	 * @return mixed
	 */
	public function allowed_ports( $ports, $host = '' ) {
		$target = $this->target();
		if ( null === $target || ! is_array( $ports ) || ! is_string( $host ) || strtolower( $host ) !== $target['host'] ) {
			return $ports;
		}
		if ( ! in_array( $target['port'], $ports, true ) ) {
			$ports[] = $target['port'];
		}
		return $ports;
	}
}
