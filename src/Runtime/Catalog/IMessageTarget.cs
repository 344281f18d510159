using Im.Orleans.Messaging;

namespace Im.Orleans.Catalog;

/// <summary>Something in the catalog that accepts messages for a grain id: one activation or a stateless-worker pool.</summary>
internal interface IMessageTarget
{
    /// <summary>False when the target has gone away; the caller then routes the message again.</summary>
    bool TryEnqueue(Message message);
}
