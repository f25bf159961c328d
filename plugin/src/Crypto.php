<?php
/**
 * Authenticated encryption of secrets at rest.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

defined( 'ABSPATH' ) || exit;

/**
 * Encrypts with libsodium's secretbox (XSalsa20-Poly1305) keyed from the site's auth salt
 * (AUTH_KEY + AUTH_SALT). Falls back to OpenSSL AES-256-GCM when sodium is missing. A value that
 * cannot be decrypted (salts changed, tampered) reads back as an empty string, i.e. "not set".
 */
final class Crypto {

	private const PREFIX_SODIUM  = 'wck1s:';
	private const PREFIX_OPENSSL = 'wck1o:';

	/**
	 * The 32-byte key derived from the site's salts.
	 */
	private function key(): string {
		return hash_hmac( 'sha256', 'wc-klaviyo-sync secrets at rest', wp_salt( 'auth' ), true );
	}

	/**
	 * Encrypts a secret; the empty string stays empty.
	 *
	 * @param string $plain Secret.
	 */
	public function encrypt( string $plain ): string {
		if ( '' === $plain ) {
			return '';
		}
		if ( function_exists( 'sodium_crypto_secretbox' ) ) {
			$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
			return self::PREFIX_SODIUM . base64_encode( $nonce . sodium_crypto_secretbox( $plain, $nonce, $this->key() ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
		}
		$iv     = random_bytes( 12 );
		$tag    = '';
		$cipher = openssl_encrypt( $plain, 'aes-256-gcm', $this->key(), OPENSSL_RAW_DATA, $iv, $tag );
		return self::PREFIX_OPENSSL . base64_encode( $iv . $tag . (string) $cipher ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
	}

	/**
	 * Decrypts a value made by encrypt(); anything else gives ''.
	 *
	 * @param string $stored Stored value.
	 */
	public function decrypt( string $stored ): string {
		if ( str_starts_with( $stored, self::PREFIX_SODIUM ) && function_exists( 'sodium_crypto_secretbox_open' ) ) {
			$raw = base64_decode( substr( $stored, strlen( self::PREFIX_SODIUM ) ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
			if ( false === $raw || strlen( $raw ) <= SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ) {
				return '';
			}
			$plain = sodium_crypto_secretbox_open( substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ), substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ), $this->key() );
			return false === $plain ? '' : $plain;
		}
		if ( str_starts_with( $stored, self::PREFIX_OPENSSL ) ) {
			$raw = base64_decode( substr( $stored, strlen( self::PREFIX_OPENSSL ) ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
			if ( false === $raw || strlen( $raw ) < 28 ) {
				return '';
			}
			$plain = openssl_decrypt( substr( $raw, 28 ), 'aes-256-gcm', $this->key(), OPENSSL_RAW_DATA, substr( $raw, 0, 12 ), substr( $raw, 12, 16 ) );
			return false === $plain ? '' : $plain;
		}
		return '';
	}
}
