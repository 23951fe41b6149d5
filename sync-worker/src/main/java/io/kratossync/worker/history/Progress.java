package io.kratossync.worker.history;

import org.springframework.modulith.NamedInterface;

/**
 * Told how a long command advances, so that its caller can show records read, rate and
 * time left.
 */
@NamedInterface("api")
public interface Progress {

	/** Tells nothing. */
	Progress NONE = new Progress() {

		@Override
		public void phase(String name, long total) {
		}

		@Override
		public void advanced(long records) {
		}

	};

	/**
	 * A phase begins.
	 * @param name what is done now, e.g. {@code reading history}
	 * @param total how many records it will read, roughly ({@code 0}: unknown)
	 */
	void phase(String name, long total);

	/**
	 * @param records how many more records were read
	 */
	void advanced(long records);

}
