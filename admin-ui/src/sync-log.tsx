/** Entry: WooCommerce → Klaviyo Sync Log page. */
import { mount } from './shared/mount';
import { SyncLogPage } from './sync-log/SyncLogPage';

mount( 'wc-klaviyo-sync-log', <SyncLogPage /> );
