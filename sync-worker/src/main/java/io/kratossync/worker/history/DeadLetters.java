package io.kratossync.worker.history;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kratossync.events.CloudEventHeaders;
import io.kratossync.events.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.modulith.NamedInterface;

/**
 * The dead letters: records the worker could not apply, byte for byte, with the reason in
 * their headers. A redrive publishes chosen ones again to the main topic, with their key
 * and CloudEvents headers and a redrive count; the live consumer applies each once (the
 * inbox), and a dead letter whose event was applied already is not published again.
 */
@NamedInterface("api")
public final class DeadLetters {

	/**
	 * A dead letter.
	 *
	 * @param partition its partition in the dead-letter topic
	 * @param offset its offset there
	 * @param deadLetteredAt when it was dead-lettered
	 * @param eventId its event id ({@code null} when it has none)
	 * @param type its event type
	 * @param identityId its key
	 * @param originalTopic where it was read
	 * @param originalPartition the partition it was read from
	 * @param originalOffset the offset it was read at
	 * @param reason why it could not be applied
	 * @param redrives how often it had been redriven before
	 */
	public record DeadLetter(int partition, long offset, Instant deadLetteredAt, String eventId, String type,
			String identityId, String originalTopic, Integer originalPartition, Long originalOffset, String reason,
			int redrives) {

		/**
		 * @return its position in the dead-letter topic, {@code partition@offset}
		 */
		public String position() {
			return this.partition + "@" + this.offset;
		}

	}

	/**
	 * Which dead letters.
	 *
	 * @param since dead-lettered at or after ({@code null}: any time)
	 * @param type of this CloudEvents type ({@code null}: any)
	 * @param positions at these positions, {@code partition@offset} (empty: any)
	 */
	public record Filter(Instant since, String type, Set<String> positions) {

		boolean matches(DeadLetter letter) {
			return (this.since == null || !letter.deadLetteredAt().isBefore(this.since))
					&& (this.type == null || this.type.equals(letter.type()))
					&& (this.positions.isEmpty() || this.positions.contains(letter.position()));
		}

	}

	/**
	 * What a redrive did.
	 *
	 * @param redriven the dead letters published again (or that would be, in a dry run)
	 * @param alreadyApplied those left alone: their event was applied since
	 * @param repeated those left alone: an earlier dead letter of the same event is
	 * redriven
	 * @param withoutId those left alone: no event id, nothing would recognise them
	 * @param dryRun whether nothing was published
	 */
	public record Redrive(List<DeadLetter> redriven, List<DeadLetter> alreadyApplied, List<DeadLetter> repeated,
			List<DeadLetter> withoutId, boolean dryRun) {
	}

	private final HistorySources sources;

	/**
	 * @param sources the database and the Kafka settings
	 */
	public DeadLetters(HistorySources sources) {
		this.sources = sources;
	}

	/**
	 * @param filter which dead letters
	 * @param progress told how reading advances
	 * @return the dead letters, oldest first
	 */
	public List<DeadLetter> list(Filter filter, Progress progress) {
		return read(filter, progress).values().stream().map(Letter::letter).toList();
	}

	/** Oldest first, then by position. */
	private static final Comparator<Letter> ORDER = Comparator.comparing((Letter l) -> l.letter().deadLetteredAt())
		.thenComparingInt((l) -> l.letter().partition())
		.thenComparingLong((l) -> l.letter().offset());

	/**
	 * Publishes the chosen dead letters again to the main topic, each event once, those
	 * already applied left alone.
	 * @param filter which dead letters
	 * @param dryRun tell what would be published, publish nothing
	 * @param progress told how reading advances
	 * @return what was done
	 */
	public Redrive redrive(Filter filter, boolean dryRun, Progress progress) {
		Map<String, Letter> letters = read(filter, progress);
		Set<String> ids = new HashSet<>();
		letters.values().forEach((l) -> {
			if (l.letter().eventId() != null) {
				ids.add(l.letter().eventId());
			}
		});
		Set<String> applied = applied(ids);
		List<Letter> chosen = new ArrayList<>();
		List<DeadLetter> alreadyApplied = new ArrayList<>();
		List<DeadLetter> repeated = new ArrayList<>();
		List<DeadLetter> withoutId = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (Letter letter : letters.values()) {
			String id = letter.letter().eventId();
			if (id == null) {
				withoutId.add(letter.letter());
			}
			else if (applied.contains(id)) {
				alreadyApplied.add(letter.letter());
			}
			else if (!seen.add(id)) {
				repeated.add(letter.letter());
			}
			else {
				chosen.add(letter);
			}
		}
		if (!dryRun && !chosen.isEmpty()) {
			publish(chosen);
		}
		return new Redrive(chosen.stream().map(Letter::letter).toList(), alreadyApplied, repeated, withoutId, dryRun);
	}

	private record Letter(DeadLetter letter, ConsumerRecord<byte[], byte[]> record) {
	}

	private Map<String, Letter> read(Filter filter, Progress progress) {
		Map<String, Letter> letters = new LinkedHashMap<>();
		try (HistoryReader reader = new HistoryReader(this.sources.deadLetters(), this.sources.consumer())) {
			List<Integer> partitions = reader.partitions();
			Map<Integer, Long> from = reader.beginning(partitions);
			Map<Integer, Long> to = reader.end(partitions);
			progress.phase("reading dead letters", Replay.span(from, to));
			reader.read(from, to, (batch) -> {
				for (HistoryReader.Read read : batch) {
					DeadLetter letter = letter(read.record());
					if (filter.matches(letter)) {
						letters.put(letter.position(), new Letter(letter, read.record()));
					}
				}
				progress.advanced(batch.size());
			});
		}
		Map<String, Letter> ordered = new LinkedHashMap<>();
		letters.values().stream().sorted(ORDER).forEach((l) -> ordered.put(l.letter().position(), l));
		return ordered;
	}

	private static DeadLetter letter(ConsumerRecord<byte[], byte[]> record) {
		String count = text(record, DeadLetterHeaders.REDRIVE_COUNT);
		String reason = text(record, DeadLetterHeaders.REASON);
		if (reason == null) {
			reason = text(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
		}
		return new DeadLetter(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
				text(record, CloudEventHeaders.ID), text(record, CloudEventHeaders.TYPE),
				(record.key() != null) ? new String(record.key(), StandardCharsets.UTF_8) : null,
				text(record, KafkaHeaders.DLT_ORIGINAL_TOPIC), integer(record, KafkaHeaders.DLT_ORIGINAL_PARTITION),
				number(record, KafkaHeaders.DLT_ORIGINAL_OFFSET), reason,
				(count != null && count.matches("[0-9]{1,9}")) ? Integer.parseInt(count) : 0);
	}

	private Set<String> applied(Set<String> ids) {
		Set<String> applied = new HashSet<>();
		if (ids.isEmpty()) {
			return applied;
		}
		List<String> valid = ids.stream().filter((id) -> id.matches("[0-9a-fA-F-]{36}")).toList();
		new JdbcTemplate(this.sources.dataSource()).query(
				"SELECT event_id::text FROM processed_events WHERE event_id = ANY(?::uuid[])",
				(RowCallbackHandler) (rs) -> applied.add(rs.getString(1)), (Object) valid.toArray(String[]::new));
		return applied;
	}

	private void publish(List<Letter> letters) {
		Map<String, Object> properties = new HashMap<>(this.sources.producer());
		properties.put(ProducerConfig.ACKS_CONFIG, "all");
		properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			List<Future<RecordMetadata>> sent = new ArrayList<>();
			for (Letter letter : letters) {
				ConsumerRecord<byte[], byte[]> record = letter.record();
				RecordHeaders headers = new RecordHeaders();
				for (Header header : record.headers()) {
					String key = header.key();
					if (!key.startsWith("kafka_dlt-") && !key.equals(DeadLetterHeaders.REASON)
							&& !key.equals(DeadLetterHeaders.REDRIVE_COUNT)
							&& !key.equals(DeadLetterHeaders.REDRIVEN_FROM)) {
						headers.add(header);
					}
				}
				headers.add(DeadLetterHeaders.REDRIVE_COUNT,
						Integer.toString(letter.letter().redrives() + 1).getBytes(StandardCharsets.UTF_8));
				headers.add(DeadLetterHeaders.REDRIVEN_FROM,
						(record.topic() + "-" + letter.letter().position()).getBytes(StandardCharsets.UTF_8));
				sent.add(producer
					.send(new ProducerRecord<>(this.sources.topic(), null, record.key(), record.value(), headers)));
			}
			producer.flush();
			for (Future<RecordMetadata> future : sent) {
				future.get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while redriving", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("the broker did not acknowledge every redriven record (" + ex.getMessage()
					+ "); redrive again: what was applied is left alone", ex);
		}
	}

	private static String text(ConsumerRecord<?, ?> record, String name) {
		return CloudEventHeaders.text(record.headers(), name);
	}

	private static Integer integer(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null && header.value().length == 4)
				? ByteBuffer.wrap(header.value()).getInt() : null;
	}

	private static Long number(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null && header.value().length == 8)
				? ByteBuffer.wrap(header.value()).getLong() : null;
	}

}
