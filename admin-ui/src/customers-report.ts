/** Entry (wc-admin pages only): the Klaviyo tags column and filter of WooCommerce → Customers. */
import { addFilter } from '@wordpress/hooks';
import { addTagFilter, addTagsColumn } from './customers-report/tags';

declare global {
	interface Window {
		wcKlaviyoSyncTags?: string[];
	}
}

addFilter(
	'woocommerce_admin_report_table',
	'wc-klaviyo-sync/customer-tags',
	addTagsColumn
);
addFilter(
	'woocommerce_admin_customers_report_filters',
	'wc-klaviyo-sync/customer-tags',
	( filters ) => addTagFilter( filters, window.wcKlaviyoSyncTags ?? [] )
);
