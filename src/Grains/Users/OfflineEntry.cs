namespace Im.Orleans.Grains.Users;

/// <summary>A message queued for a user with no live connection; Id orders the queue and is what AckOffline confirms.</summary>
internal sealed record OfflineEntry(long Id, Message Message);
