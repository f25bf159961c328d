<?php
/**
 * Consent capture at checkout, against the real WooCommerce 10.0.2 (WC=real): the checkboxes are additional
 * checkout fields of the block checkout, the classic checkout renders them before the submit button, and each
 * ticked box becomes a consent record in the order's meta, which the order's REST payload (the webhook body)
 * carries in meta_data.
 */

use WcKlaviyoSync\Consent\CheckoutConsent;
use WcKlaviyoSync\Consent\ConsentRecorder;
use WcKlaviyoSync\Consent\ConsentSettings;

final class CheckoutConsentTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		if ( self::is_standin() || ! class_exists( 'WC_Order' ) ) {
			$this->markTestSkipped( 'needs the real WooCommerce (WC=real): the stand-in has no checkout' );
		}
		delete_option( ConsentSettings::OPTION );
		update_option( 'woocommerce_checkout_phone_field', 'optional' );
		unset( $_POST['wck_consent_email'], $_POST['wck_consent_sms'] );
	}

	private static function payload_records( int $order_id ): array {
		$data = rest_do_request( new WP_REST_Request( 'GET', "/wc/v3/orders/$order_id" ) )->get_data();
		foreach ( $data['meta_data'] as $meta ) {
			$meta = is_array( $meta ) ? $meta : $meta->get_data();
			if ( ConsentRecorder::META_KEY === $meta['key'] ) {
				return json_decode( $meta['value'], true );
			}
		}
		return array();
	}

	public function test_the_block_checkout_registers_two_unticked_optional_checkboxes(): void {
		$fields = Automattic\WooCommerce\Blocks\Package::container()->get( Automattic\WooCommerce\Blocks\Domain\Services\CheckoutFields::class )->get_additional_fields();
		foreach ( array( 'email', 'sms' ) as $channel ) {
			$id = CheckoutConsent::field_id( $channel );
			$this->assertArrayHasKey( $id, $fields, "$channel checkbox registered" );
			$this->assertSame( 'checkbox', $fields[ $id ]['type'] );
			$this->assertFalse( (bool) $fields[ $id ]['required'] );
			$this->assertSame( ( new ConsentSettings() )->label( $channel ), $fields[ $id ]['label'] );
		}
	}

	public function test_a_block_checkout_order_with_the_email_box_ticked_carries_a_granted_email_record_in_meta_data(): void {
		$order = wc_create_order( array( 'status' => 'checkout-draft' ) );
		$order->set_billing_email( 'block-consent@example.com' );
		$order->update_meta_data( '_wc_other/' . CheckoutConsent::field_id( 'email' ), true );
		$order->update_meta_data( '_wc_other/' . CheckoutConsent::field_id( 'sms' ), false );
		$order->save();
		$before = gmdate( 'Y-m-d\TH:i:s\Z' );
		do_action( 'woocommerce_store_api_checkout_update_order_from_request', $order, new WP_REST_Request( 'POST', '/wc/store/v1/checkout' ) );
		do_action( 'woocommerce_store_api_checkout_update_order_from_request', $order, new WP_REST_Request( 'POST', '/wc/store/v1/checkout' ) );
		$order->save();

		$records = self::payload_records( $order->get_id() );
		$this->assertCount( 1, $records, 'one record, though the Store API updated the order twice; none for the unticked SMS box' );
		$this->assertSame( 'email', $records[0]['channel'] );
		$this->assertSame( 'granted', $records[0]['status'] );
		$this->assertSame( 'block_checkout', $records[0]['source'] );
		$this->assertSame( $order->get_id(), $records[0]['order_id'] );
		$this->assertSame( ( new ConsentSettings() )->label( 'email' ), $records[0]['label'] );
		$this->assertGreaterThanOrEqual( $before, $records[0]['at'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $records[0]['at'] );
	}

	public function test_a_block_checkout_order_with_no_box_ticked_has_no_record(): void {
		$order = wc_create_order();
		$order->update_meta_data( '_wc_other/' . CheckoutConsent::field_id( 'email' ), false );
		$order->save();
		do_action( 'woocommerce_store_api_checkout_update_order_from_request', $order, new WP_REST_Request( 'POST', '/wc/store/v1/checkout' ) );
		$order->save();
		$this->assertSame( array(), self::payload_records( $order->get_id() ) );
	}

	public function test_the_classic_checkout_renders_both_boxes_unticked_and_records_the_ticked_ones(): void {
		update_option( ConsentSettings::OPTION, array( 'sms_label' => 'Texts <b>please</b>' ) );
		ob_start();
		do_action( 'woocommerce_review_order_before_submit' );
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( 'name="wck_consent_email"', $html );
		$this->assertStringContainsString( 'name="wck_consent_sms"', $html );
		$this->assertStringNotContainsString( 'checked', $html, 'never pre-ticked' );
		$this->assertStringContainsString( 'Texts &lt;b&gt;please&lt;/b&gt;', $html, 'the edited label, escaped' );

		$_POST['wck_consent_sms'] = '1';
		$order                    = new WC_Order();
		$order->set_billing_email( 'classic-consent@example.com' );
		$order->set_billing_phone( '+44 7700 900123' );
		do_action( 'woocommerce_checkout_create_order', $order, array() );
		$order->save();
		unset( $_POST['wck_consent_sms'] );

		$records = self::payload_records( $order->get_id() );
		$this->assertCount( 1, $records );
		$this->assertSame( array( 'sms', 'granted', 'classic_checkout', 'Texts <b>please</b>' ), array( $records[0]['channel'], $records[0]['status'], $records[0]['source'], $records[0]['label'] ) );
	}

	public function test_a_switched_off_box_and_the_sms_box_of_a_checkout_without_phone_are_not_shown(): void {
		update_option( ConsentSettings::OPTION, array( 'email_enabled' => false ) );
		update_option( 'woocommerce_checkout_phone_field', 'hidden' );
		ob_start();
		do_action( 'woocommerce_review_order_before_submit' );
		$html = (string) ob_get_clean();
		$this->assertStringNotContainsString( 'wck_consent_', $html );
		$this->assertSame( array(), ( new ConsentSettings() )->checkout_channels() );
	}
	public function test_a_real_store_api_block_checkout_with_the_email_box_ticked_records_the_consent(): void {
		update_option( 'woocommerce_cod_settings', array( 'enabled' => 'yes', 'title' => 'Cash on delivery' ) );
		$product = new WC_Product_Simple();
		$product->set_name( 'Consent mug' );
		$product->set_regular_price( '9.50' );
		$product->set_status( 'publish' );
		$product->save();
		$base = 'http://127.0.0.1:' . getenv( 'WP_PORT' ) . '/wp-json/wc/store/v1';
		$cart = wp_remote_get( $base . '/cart', array( 'timeout' => 30 ) );
		$hdrs = array(
			'Nonce'        => (string) wp_remote_retrieve_header( $cart, 'nonce' ),
			'Cart-Token'   => (string) wp_remote_retrieve_header( $cart, 'cart-token' ),
			'Content-Type' => 'application/json',
		);
		$add  = wp_remote_post( $base . '/cart/add-item', array( 'timeout' => 30, 'headers' => $hdrs, 'body' => (string) wp_json_encode( array( 'id' => $product->get_id(), 'quantity' => 1 ) ) ) );
		$this->assertSame( 201, wp_remote_retrieve_response_code( $add ), wp_remote_retrieve_body( $add ) );
		$address = array( 'first_name' => 'Bea', 'last_name' => 'Block', 'address_1' => '1 High St', 'city' => 'London', 'postcode' => 'SW1A 1AA', 'country' => 'GB', 'email' => 'bea-block@example.com', 'phone' => '07911 123456' );
		$out     = wp_remote_post(
			$base . '/checkout',
			array(
				'timeout' => 60,
				'headers' => $hdrs,
				'body'    => (string) wp_json_encode(
					array(
						'billing_address'   => $address,
						'shipping_address'  => $address,
						'payment_method'    => 'cod',
						'additional_fields' => array( CheckoutConsent::field_id( 'email' ) => true, CheckoutConsent::field_id( 'sms' ) => false ),
					)
				),
			)
		);
		$body = json_decode( wp_remote_retrieve_body( $out ), true );
		$this->assertSame( 200, wp_remote_retrieve_response_code( $out ), wp_remote_retrieve_body( $out ) );
		$this->fresh();
		$records = self::payload_records( (int) $body['order_id'] );
		$this->assertCount( 1, $records, 'the email box only' );
		$this->assertSame( array( 'email', 'granted', 'block_checkout', (int) $body['order_id'] ), array( $records[0]['channel'], $records[0]['status'], $records[0]['source'], $records[0]['order_id'] ) );
	}
}
