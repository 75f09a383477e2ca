package lodi.glue.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Exclusive use of a run folder or a base cache folder by one process at a time: an operating-system lock on
 * {@code DIR/.lock}, which the kernel releases when its holder exits, however it exits (a {@code kill -9} or a
 * Slurm preemption leaves nothing to clean up). A second process waits, saying once who holds the folder, and
 * goes on when the holder is done: it then finds the work finished, or resumes it from its checkpoint.
 *
 * <p>The file holds the holder's pid, host and start time, for that message. It is never deleted: deleting a
 * lock file while another process waits on it would let a third lock a new file of the same name.
 */
public final class FolderLock implements AutoCloseable {
    public static final String FILE = ".lock";
    private static final long POLL_MILLIS = 200;

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits until {@code dir} (created if need be) is this process's alone; {@code out} hears of any wait. */
    public static FolderLock acquire(Path dir, PrintWriter out) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            boolean announced = false;
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap(holder().getBytes(StandardCharsets.UTF_8)), 0);
                    channel.force(false);
                    return new FolderLock(channel, lock);
                }
                if (!announced) {
                    String holder = Files.readString(file).strip();
                    out.println(dir + " is in use by " + (holder.isEmpty() ? "another process" : holder)
                            + "; waiting for it to finish (Ctrl-C stops waiting)");
                    out.flush();
                    announced = true;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new IOException(dir + ": interrupted while waiting for its lock", e);
        }
    }

    /** Null when another process, or another thread of this one, holds the lock. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String holder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "an unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now() + "\n";
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
