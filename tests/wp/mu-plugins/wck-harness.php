<?php
/**
 * Plugin Name: Klaviyo Sync test harness
 * Description: Harness-only tweaks: no outgoing mail (there is no MTA), no update checks.
 */

add_filter( 'pre_wp_mail', '__return_true' );
add_filter( 'pre_site_transient_update_core', '__return_null' );
add_filter( 'pre_site_transient_update_plugins', '__return_null' );
add_filter( 'pre_site_transient_update_themes', '__return_null' );
