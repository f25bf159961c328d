/**
 * wp-scripts' default config, with one change: JSX goes through src/shared/jsx-runtime.ts (wp.element's
 * createElement) instead of WordPress's `react-jsx-runtime` script, which only exists from WordPress 6.6.
 */
const path = require( 'path' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );
const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );

module.exports = {
	...defaultConfig,
	resolve: {
		...defaultConfig.resolve,
		alias: {
			...( defaultConfig.resolve && defaultConfig.resolve.alias ),
			'react/jsx-runtime$': path.resolve(
				__dirname,
				'src/shared/jsx-runtime.ts'
			),
		},
	},
	plugins: [
		...defaultConfig.plugins.filter(
			( plugin ) =>
				! ( plugin instanceof DependencyExtractionWebpackPlugin )
		),
		new DependencyExtractionWebpackPlugin( {
			requestToExternal: ( request ) =>
				request === 'react/jsx-runtime' ? false : undefined,
		} ),
	],
};
