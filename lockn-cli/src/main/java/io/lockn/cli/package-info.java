/** The {@code lockn} command line. Run {@code java -jar lockn-cli.jar --help}. */
@NullMarked
package io.lockn.cli;

import org.jspecify.annotations.NullMarked;
