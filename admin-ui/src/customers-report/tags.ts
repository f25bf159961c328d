/**
 * The "Klaviyo tags" column and the "Klaviyo tag" dropdown of WooCommerce → Customers (the wc-admin Customers
 * report). Pure: the entry hands these to @wordpress/hooks' `addFilter`. The rows' `wck_tags` and the `wck_tag`
 * filter are served by the plugin (Admin\CustomersReport).
 */
import { __ } from '@wordpress/i18n';

/** The REST argument (and URL parameter) the plugin filters the report by. */
export const TAG_PARAM = 'wck_tag';

interface TableHeader {
	label: string;
	key: string;
	required?: boolean;
	isSortable?: boolean;
}

interface TableCell {
	display: unknown;
	value: unknown;
}

/** What wc-admin's ReportTable passes through `woocommerce_admin_report_table`. */
export interface ReportTableData {
	endpoint: string;
	headers: TableHeader[];
	rows: TableCell[][];
	items?: { data?: Array< { wck_tags?: unknown } > };
	[ key: string ]: unknown;
}

/** One entry of a report's `filters` config (`woocommerce_admin_customers_report_filters`). */
export interface ReportFilterConfig {
	label: string;
	staticParams: string[];
	param: string;
	showFilters: () => boolean;
	defaultValue?: string;
	filters: Array< { label: string; value: string } >;
	[ key: string ]: unknown;
}

function tagsOf( item: { wck_tags?: unknown } | undefined ): string[] {
	const tags = item?.wck_tags;
	return Array.isArray( tags )
		? tags.filter( ( t ): t is string => typeof t === 'string' )
		: [];
}

/**
 * Adds the "Klaviyo tags" column to the Customers report table (other reports pass unchanged). Each row's cell
 * is its customer's tags, comma separated (text: the table escapes it).
 * @param table What the report table is about to show.
 */
export function addTagsColumn( table: ReportTableData ): ReportTableData {
	if ( table.endpoint !== 'customers' ) {
		return table;
	}
	const items = table.items?.data ?? [];
	return {
		...table,
		headers: [
			...table.headers,
			{
				label: __( 'Klaviyo tags', 'wc-klaviyo-sync' ),
				key: 'wck_tags',
				isSortable: false,
			},
		],
		rows: table.rows.map( ( row, i ) => {
			const text = tagsOf( items[ i ] ).join( ', ' );
			return [ ...row, { display: text, value: text } ];
		} ),
	};
}

/**
 * Adds the "Klaviyo tag" dropdown (all customers, or those with one of the tags in use) after the report's own.
 * @param filters The report's filters config.
 * @param tags    The tags in use on this store.
 */
export function addTagFilter(
	filters: ReportFilterConfig[],
	tags: readonly string[]
): ReportFilterConfig[] {
	if ( tags.length === 0 ) {
		return filters;
	}
	return [
		...filters,
		{
			label: __( 'Klaviyo tag', 'wc-klaviyo-sync' ),
			staticParams: [ 'paged', 'per_page', 'orderby', 'order', 'filter' ],
			param: TAG_PARAM,
			showFilters: () => true,
			defaultValue: '',
			filters: [
				{ label: __( 'Any tag', 'wc-klaviyo-sync' ), value: '' },
				...tags.map( ( tag ) => ( { label: tag, value: tag } ) ),
			],
		},
	];
}
