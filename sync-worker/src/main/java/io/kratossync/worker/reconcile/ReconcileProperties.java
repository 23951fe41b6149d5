package io.kratossync.worker.reconcile;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.modulith.NamedInterface;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the reconcile sweep ({@code kratos-sync.worker.reconcile.*}, README
 * "Reconcile").
 *
 * @param interval the pause between the end of one sweep and the start of the next; zero
 * turns the schedule off (the {@code reconcile --once} command still works)
 * @param requestsPerSecond the most Admin API requests a second (listing pages and the
 * confirmation of each deletion)
 * @param pageSize identities per listing page (Kratos allows 1 to 500)
 * @param publishTimeout how long Kafka may take to acknowledge a page's events
 */
@Validated
@ConfigurationProperties("kratos-sync.worker.reconcile")
@NamedInterface("api")
public record ReconcileProperties(@DefaultValue("0s") @NotNull Duration interval,
		@DefaultValue("5") @Positive double requestsPerSecond, @DefaultValue("250") @Min(1) @Max(500) int pageSize,
		@DefaultValue("10s") @NotNull Duration publishTimeout) {

	/**
	 * @return whether sweeps run on a schedule
	 */
	public boolean scheduled() {
		return !this.interval.isZero() && !this.interval.isNegative();
	}

}
