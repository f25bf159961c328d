/** Entry: WooCommerce → Klaviyo settings page. */
import { mount } from './shared/mount';
import { SettingsPage } from './settings/SettingsPage';

mount( 'wc-klaviyo-sync-settings', <SettingsPage /> );
