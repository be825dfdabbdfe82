package io.lockn.pricing;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * How a provider's model id resolved to a catalog entry.
 *
 * @param entry the catalog entry
 * @param region the region or inference profile found in the id ({@code us}, {@code eu}), or {@code null}
 * @param multiplier the regional multiplier times the negotiated-discount factor, or {@code null} for exactly 1
 * @param listMultiplier the regional multiplier alone, or {@code null} for exactly 1
 * @param stage which resolution stage matched: {@code exact}, {@code alias}, {@code prefix}, {@code profile},
 *     {@code suffix}, {@code dotted} or {@code cross-provider}
 */
public record ModelMatch(
    ModelPrice entry,
    @Nullable String region,
    @Nullable BigDecimal multiplier,
    @Nullable BigDecimal listMultiplier,
    String stage) {}
