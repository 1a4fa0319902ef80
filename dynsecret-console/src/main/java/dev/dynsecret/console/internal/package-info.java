/** The console's internals; not an API. */
@NullMarked
package dev.dynsecret.console.internal;

import org.jspecify.annotations.NullMarked;
