import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
	addTagFilter,
	addTagsColumn,
	TAG_PARAM,
	type ReportFilterConfig,
	type ReportTableData,
} from '../src/customers-report/tags';

function table( over: Partial< ReportTableData > = {} ): ReportTableData {
	return {
		endpoint: 'customers',
		headers: [ { label: 'Name', key: 'name' } ],
		rows: [
			[ { display: 'Ann', value: 'Ann' } ],
			[ { display: 'Bob', value: 'Bob' } ],
			[ { display: 'Guest', value: 'Guest' } ],
		],
		items: {
			data: [ { wck_tags: [ 'VIP', 'Winback' ] }, { wck_tags: [] }, {} ],
		},
		...over,
	};
}

test( 'the Customers report table gets a Klaviyo tags column, one cell per row from its wck_tags', () => {
	const out = addTagsColumn( table() );
	assert.deepEqual( out.headers.at( -1 ), {
		label: 'Klaviyo tags',
		key: 'wck_tags',
		isSortable: false,
	} );
	assert.deepEqual(
		out.rows.map( ( row ) => row.at( -1 ) ),
		[
			{ display: 'VIP, Winback', value: 'VIP, Winback' },
			{ display: '', value: '' },
			{ display: '', value: '' },
		]
	);
	assert.equal( out.rows[ 0 ]?.length, 2, 'the other cells stay' );
} );

test( 'other reports pass through the table filter unchanged', () => {
	const orders = table( { endpoint: 'orders' } );
	assert.equal( addTagsColumn( orders ), orders );
} );

test( 'the Klaviyo tag dropdown follows the report filters, with the tags in use', () => {
	const show: ReportFilterConfig = {
		label: 'Show',
		staticParams: [],
		param: 'filter',
		showFilters: () => true,
		filters: [ { label: 'All customers', value: 'all' } ],
	};
	const out = addTagFilter( [ show ], [ 'Gold', 'VIP' ] );
	assert.equal( out.length, 2 );
	assert.equal( out[ 0 ], show );
	const mine = out[ 1 ];
	assert.equal( mine?.param, TAG_PARAM );
	assert.equal( mine?.param, 'wck_tag' );
	assert.deepEqual(
		mine?.filters.map( ( f ) => f.value ),
		[ '', 'Gold', 'VIP' ]
	);
	assert.equal( mine?.showFilters(), true );
	assert.deepEqual(
		addTagFilter( [ show ], [] ),
		[ show ],
		'no tags, no dropdown'
	);
} );
