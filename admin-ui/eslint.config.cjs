/**
 * wp-scripts' default ESLint config (WordPress coding standards, i18n, a11y, TypeScript), plus this
 * plugin's text domain, so a string in another domain fails the lint.
 */
const defaultConfig = require( '@wordpress/scripts/config/eslint.config.cjs' );

module.exports = [
	...defaultConfig,
	{
		rules: {
			'@wordpress/i18n-text-domain': [
				'error',
				{ allowedTextDomain: 'wc-klaviyo-sync' },
			],
		},
	},
];
