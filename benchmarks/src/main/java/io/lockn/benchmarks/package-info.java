/**
 * JMH benchmarks of LockN's hot paths, each beside its baseline in the same class. Build with {@code mvn -pl
 * benchmarks -am package -DskipTests} and run {@code java -jar benchmarks/target/benchmarks.jar -prof gc}.
 */
@NullMarked
package io.lockn.benchmarks;

import org.jspecify.annotations.NullMarked;
