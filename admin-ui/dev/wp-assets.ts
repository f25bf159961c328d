/**
 * WordPress's own browser scripts (React, wp-element, wp-components, …) as shipped with the WordPress builds in the
 * npm package wp-playground/wordpress-builds, in dependency order, so the built pages can be loaded as WordPress loads them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface WpBuild {
	/** e.g. "6.5.5" */
	version: string;
	/** Folder holding wp-includes/… */
	publicDir: string;
	/** Script handle → its dependencies (from wp-includes/assets/script-loader-packages.php). */
	deps: Map< string, string[] >;
}

const VENDOR: Record< string, string > = {
	react: 'vendor/react.min.js',
	'react-dom': 'vendor/react-dom.min.js',
	'react-jsx-runtime': 'vendor/react-jsx-runtime.min.js',
	lodash: 'vendor/lodash.min.js',
	moment: 'vendor/moment.min.js',
	'regenerator-runtime': 'vendor/regenerator-runtime.min.js',
	'wp-polyfill': 'vendor/wp-polyfill.min.js',
	'wp-polyfill-inert': 'vendor/wp-polyfill-inert.min.js',
};

/** What WordPress's script-loader.php registers the vendor scripts with (they are not in script-loader-packages.php). */
const VENDOR_DEPS: Record< string, string[] > = {
	'react-dom': [ 'react' ],
	'react-jsx-runtime': [ 'react' ],
};

/** The WordPress version the plugin requires (plugin header "Requires at least"). */
export const MIN_WP = '6.6';

/**
 * Whether `version` ("6.6-RC3", "6.7.1", "nightly") is `min` ("6.6") or newer; a version that is not a number
 * (a nightly) counts as newer.
 * @param version WordPress version.
 * @param min     Lowest version accepted.
 */
export function atLeast( version: string, min: string ): boolean {
	const parse = ( v: string ) =>
		( /^(\d+)\.(\d+)/.exec( v ) ?? [] ).slice( 1 ).map( Number );
	const [ major, minor ] = parse( version );
	const [ minMajor = 0, minMinor = 0 ] = parse( min );
	if ( major === undefined || minor === undefined ) {
		return true;
	}
	return major !== minMajor ? major > minMajor : minor >= minMinor;
}

/**
 * WordPress folders named in WCK_WP_DIRS (comma-separated; each holds wp-includes/js/dist and
 * wp-includes/assets/script-loader-packages.php, e.g. extracted from a WordPress release), to check the
 * pages against other WordPress versions locally.
 */
function extraBuilds(): WpBuild[] {
	const dirs = ( process.env.WCK_WP_DIRS ?? '' )
		.split( ',' )
		.filter( Boolean );
	return dirs.map( ( dir ) => {
		const assets = path.join( dir, 'wp-includes/assets' );
		const php = [
			'script-loader-packages.min.php',
			'script-loader-packages.php',
		]
			.map( ( f ) => path.join( assets, f ) )
			.find( ( f ) => existsSync( f ) );
		if ( ! php ) {
			throw new Error(
				`WCK_WP_DIRS: no script-loader-packages.php under ${ assets }`
			);
		}
		const versionPhp = path.join( dir, 'wp-includes/version.php' );
		const version = existsSync( versionPhp )
			? ( /\$wp_version = '([^']+)'/.exec(
					readFileSync( versionPhp, 'utf8' )
				)?.[ 1 ] ?? dir )
			: dir;
		return {
			version,
			publicDir: dir,
			deps: parseDeps( readFileSync( php, 'utf8' ) ),
		};
	} );
}

/** The WordPress builds available here (none when the package or `unzip` is missing), plus WCK_WP_DIRS. */
export function wordpressBuilds(): WpBuild[] {
	return [ ...playgroundBuilds(), ...extraBuilds() ];
}

function playgroundBuilds(): WpBuild[] {
	let root: string;
	try {
		const require = createRequire( import.meta.url );
		root = path.dirname(
			require.resolve( '@wp-playground/wordpress-builds/package.json' )
		);
	} catch {
		return [];
	}
	const versionsFile = path.join( root, 'src/wordpress/wp-versions.json' );
	if ( ! existsSync( versionsFile ) ) {
		return [];
	}
	const versions = JSON.parse(
		readFileSync( versionsFile, 'utf8' )
	) as Record< string, string >;
	const builds: WpBuild[] = [];
	for ( const [ key, version ] of Object.entries( versions ) ) {
		const publicDir = path.join( root, 'public', `wp-${ key }` );
		const zip = path.join( root, 'src/wordpress', `wp-${ key }.zip` );
		if (
			! existsSync( publicDir ) ||
			! existsSync( zip ) ||
			key === 'nightly'
		) {
			continue;
		}
		let php: string;
		try {
			php = execFileSync( 'unzip', [
				'-p',
				zip,
				'wp-includes/assets/script-loader-packages.min.php',
			] ).toString();
		} catch {
			continue;
		}
		builds.push( { version, publicDir, deps: parseDeps( php ) } );
	}
	return builds;
}

function parseDeps( php: string ): Map< string, string[] > {
	const deps = new Map< string, string[] >();
	// Both the one-line .min.php and the pretty-printed .php forms.
	const re =
		/'([a-z0-9-]+)(?:\.min)?\.js'\s*=>\s*array\(\s*'dependencies'\s*=>\s*array\(([^)]*)\)/g;
	for ( const m of php.matchAll( re ) ) {
		const list = [ ...( m[ 2 ] ?? '' ).matchAll( /'([^']+)'/g ) ].map(
			( x ) => x[ 1 ]!
		);
		deps.set( `wp-${ m[ 1 ] }`, list );
	}
	return deps;
}

/**
 * Script URLs (relative to wp-includes/js/dist/) for `handles` and everything they need, dependencies first.
 * @param build   The WordPress build.
 * @param handles Script handles needed.
 */
export function scriptOrder( build: WpBuild, handles: string[] ): string[] {
	const seen = new Set< string >();
	const order: string[] = [];
	const visit = ( handle: string ) => {
		if ( seen.has( handle ) ) {
			return;
		}
		seen.add( handle );
		for ( const d of build.deps.get( handle ) ??
			VENDOR_DEPS[ handle ] ??
			[] ) {
			visit( d );
		}
		const vendor = VENDOR[ handle ];
		if (
			vendor &&
			existsSync(
				path.join( build.publicDir, 'wp-includes/js/dist', vendor )
			)
		) {
			order.push( vendor );
		} else if ( handle.startsWith( 'wp-' ) && build.deps.has( handle ) ) {
			order.push( `${ handle.slice( 3 ) }.min.js` );
		} else {
			throw new Error(
				`WordPress ${ build.version } has no script "${ handle }"`
			);
		}
	};
	handles.forEach( visit );
	return order;
}
